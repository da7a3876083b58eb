"""Real `dealgate serve` workers over sandbox tenants, for the failover tests and the bench.

The sandboxes (one per tenant, HubSpot and Salesforce in turn) run in this process; every worker
is a process of its own started from the installed `dealgate` command, with its log (JSON lines
on stderr) in a file. A `Gate` on a sandbox holds the first matching request until released,
so a test can stop or kill a worker at a known point of its cycle. Every wait is on something
observable (the lease table, the sandbox, a worker's log), with a generous bound.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from sandbox.http import Request, Response
from tests.sync.sandboxes import SandboxCRM, SeedDeal, open_tasks, start

DEALGATE = Path(sys.executable).parent / "dealgate"
WAIT = 60.0  # the bound of every wait: generous, a loaded 2-core machine is slow to start Python


def wait_for(what: str, condition: Callable[[], bool], timeout: float = WAIT) -> float:
    """Wait until `condition()` holds; return the seconds it took (fails after `timeout`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


class Gate:
    """Holds the first request whose path matches, until `release()`; later ones pass."""

    def __init__(self, crm: SandboxCRM, path: str) -> None:
        self.pattern = re.compile(path)
        self.arrived = threading.Event()
        self.released = threading.Event()
        self._taken = False
        self._lock = threading.Lock()
        crm.app.before.append(self)

    def __call__(self, request: Request) -> Response | None:
        if not self.pattern.search(request.path):
            return None
        with self._lock:
            first, self._taken = not self._taken, True
        if first:
            self.arrived.set()
            self.released.wait(WAIT)
        return None

    def release(self) -> None:
        self.released.set()


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def events(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                found.append(json.loads(line))
        return found


@dataclass
class Cluster:
    url: str
    folder: Path
    crms: dict[str, SandboxCRM]  # tenant id -> its sandbox
    lease_seconds: float
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self) -> Worker:
        n = len(self.workers)
        log = self.folder.parent / f"worker{n}.log"
        with log.open("wb") as err:
            proc = subprocess.Popen(
                [str(DEALGATE), "serve", "--tenants", str(self.folder), "--state", self.url,
                 "--lease-seconds", str(self.lease_seconds)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        worker = Worker(proc, log)
        self.workers.append(worker)
        return worker

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def holders(self) -> dict[str, tuple[int | None, int]]:
        """Tenant -> (pid of its live holder or None, epoch)."""
        rows = self.sql(
            "SELECT tenant_id, CASE WHEN expires_at > clock_timestamp() THEN holder END, epoch "
            "FROM lease"
        )
        return {str(t): (None if h is None else int(h.split(":")[1]), int(e)) for t, h, e in rows}

    def held_by(self, pid: int) -> list[str]:
        return sorted(t for t, (holder, _) in self.holders().items() if holder == pid)

    def statuses(self) -> dict[str, str | None]:
        return {str(t): s for t, s in self.sql("SELECT tenant_id, last_status FROM lease")}

    def balanced(self, pids: list[int]) -> bool:
        """Every tenant held by one of `pids`, evenly, and every one through a good cycle."""
        try:
            holders = self.holders()
        except psycopg.errors.UndefinedTable:  # no worker has migrated the state yet
            return False
        if set(holders) != set(self.crms) or any(s != "ok" for s in self.statuses().values()):
            return False
        counts = [sum(1 for h, _ in holders.values() if h == pid) for pid in pids]
        return sum(counts) == len(self.crms) and max(counts) - min(counts) <= 1

    def all_tasks_as(self, expected: list[tuple[str, str, str]]) -> bool:
        return all(open_tasks(crm) == expected for crm in self.crms.values())

    def stop(self) -> None:
        for worker in self.workers:
            if worker.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGCONT)
                    worker.proc.terminate()
        for worker in self.workers:
            try:
                worker.proc.wait(30)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait(30)


def tenant_ids(count: int) -> list[str]:
    """`hubspot-00`, `salesforce-01`, ...: both CRMs in turn."""
    return [f"{('hubspot', 'salesforce')[n % 2]}-{n:02d}" for n in range(count)]


@contextlib.contextmanager
def cluster(
    url: str,
    tmp_path: Path,
    count: int,
    deals: list[SeedDeal],
    *,
    lease_seconds: float,
    poll_seconds: int = 1,
    extra_files: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """`count` sandbox tenants in a tenants folder (plus `extra_files`), no worker yet."""
    folder = tmp_path / "tenants"
    folder.mkdir()
    with contextlib.ExitStack() as stack:
        crms: dict[str, SandboxCRM] = {}
        for tenant in tenant_ids(count):
            crm = stack.enter_context(start(tenant.split("-")[0], deals))
            text = crm.config_text(tmp_path)
            text = text.replace(f"state: sqlite:///{tmp_path / 'state.db'}\n", "")
            text = text.replace(
                "poll_interval_seconds: 1", f"poll_interval_seconds: {poll_seconds}"
            )
            (folder / f"{tenant}.yaml").write_text(text, encoding="utf-8")
            crms[tenant] = crm
        for name, text in (extra_files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        running = Cluster(url, folder, crms, lease_seconds)
        try:
            yield running
        finally:
            running.stop()
