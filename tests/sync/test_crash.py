"""Killing the daemon at any point of a cycle with writes in flight, then restarting it, leaves
exactly the expected tasks in the CRM: no duplicate, none lost. SIGTERM mid-cycle exits 0.

The sandbox runs in this process; the daemon runs in a forked child (`crash_child`). A hook in
the sandbox holds the k-th task write request, either before it lands (the child dies with its
request unanswered and nothing written) or after it landed (the child dies before it hears the
answer), while the test kills the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.http import Request, Response
from state.base import open_store
from state.sqlite import SqliteStateStore
from tests.fixtures.postgres import postgres_schema
from tests.sync.sandboxes import SandboxCRM, SeedDeal, start

ROOT = Path(__file__).resolve().parents[2]
BATCH = 2
# Seven deals without a confirmed budget (seven creates, four write batches of two), and two
# whose older dealgate task is now satisfied (one completion batch of two).
DEALS = [SeedDeal(f"d{n}", owner=("sato", "kim")[n % 2]) for n in range(7)] + [
    SeedDeal("done0", budget="confirmed", open_task="budget_confirmed"),
    SeedDeal("done1", budget="confirmed", open_task="budget_confirmed"),
]
EXPECTED_OPEN = sorted((f"d{n}", "budget_confirmed") for n in range(7))
WRITES = 5


class Zygote:
    """The warm parent of the daemon children."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.crash_child"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip
        assert self._line(60) == "ready"

    def _line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "the daemon child did not answer in time"
        return self.proc.stdout.readline().strip()

    def spawn(self, config: Path, log: Path, *, once: bool = True) -> int:
        assert self.proc.stdin is not None
        request = {"config": str(config), "log": str(log), "once": once, "batch_size": BATCH}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        kind, pid = self._line(30).split()
        assert kind == "pid"
        return int(pid)

    def wait(self, pid: int, timeout: float = 30) -> int:
        kind, child, code = self._line(timeout).split()
        assert (kind, int(child)) == ("exit", pid)
        return int(code)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    warm = Zygote()
    yield warm
    warm.close()


class HoldWrite:
    """Holds the k-th task write request: `before` it reaches the store, or `after`."""

    def __init__(self, crm: SandboxCRM, k: int, when: str) -> None:
        self.k, self.when = k, when
        self.pattern = re.compile(crm.write_path)
        self.seen = 0
        self.reached = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        crm.app.before.append(self.before)
        crm.app.after.append(self.after)

    def _hit(self, request: Request) -> bool:
        if request.method not in ("POST", "PATCH") or not self.pattern.search(request.path):
            return False
        with self.lock:
            self.seen += 1
            return self.seen == self.k

    def before(self, request: Request) -> Response | None:
        if self.when == "before" and self._hit(request):
            self.reached.set()
            self.release.wait(30)
            return Response(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "gone"}])
        return None

    def after(self, request: Request, response: Response) -> None:
        if self.when == "after" and self._hit(request):
            self.reached.set()
            self.release.wait(30)


def _check_final(crm: SandboxCRM, state: Path | str) -> None:
    tasks = crm.tasks()
    opened = sorted((t.deal, t.gate_id) for t in tasks if t.is_open)
    assert opened == EXPECTED_OPEN
    assert Counter((t.deal, t.gate_id) for t in tasks) == Counter(
        {**{key: 1 for key in EXPECTED_OPEN}, ("done0", "budget_confirmed"): 1,
         ("done1", "budget_confirmed"): 1}
    )  # fmt: skip
    with open_store(state) as store:
        assert store.intents() == []
        ledger_open = {e.task_id for e in store.all_entries() if e.state.value == "open"}
        assert ledger_open == {t.id for t in tasks if t.is_open}


@contextlib.contextmanager
def state_in(backend: str, folder: Path) -> Iterator[Path | str]:
    """Where a daemon keeps its state: the config's SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield folder / "state.db"
    else:
        with postgres_schema() as url:
            yield url


def write_config(crm: SandboxCRM, folder: Path, state: Path | str) -> Path:
    config = folder / "dealgate.yaml"
    text = crm.config_text(folder)
    if isinstance(state, str):
        text = text.replace(f"state: sqlite:///{folder / 'state.db'}", f"state: {state}")
        assert f"state: {state}" in text
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("crm_name", ["salesforce", "hubspot"])
def test_kill_at_every_write_then_restart(
    zygote: Zygote, tmp_path: Path, crm_name: str, backend: str
) -> None:
    points = [(k, when) for k in range(1, WRITES + 1) for when in ("before", "after")]
    for k, when in points:
        folder = tmp_path / f"{k}-{when}"
        folder.mkdir()
        with start(crm_name, DEALS) as crm, state_in(backend, folder) as state:
            config = write_config(crm, folder, state)
            hold = HoldWrite(crm, k, when)
            pid = zygote.spawn(config, folder / "run.log")
            assert hold.reached.wait(30), f"write {k} never came ({folder / 'run.log'})"
            os.kill(pid, signal.SIGKILL)
            assert zygote.wait(pid) == -signal.SIGKILL
            hold.release.set()
            assert zygote.wait(zygote.spawn(config, folder / "rerun.log")) == 0, (
                folder / "rerun.log"
            ).read_text()
            _check_final(crm, state)


@pytest.mark.parametrize("crm_name", ["salesforce", "hubspot"])
def test_sigterm_mid_cycle_finishes_the_batch_and_exits_0(
    zygote: Zygote, tmp_path: Path, crm_name: str
) -> None:
    with start(crm_name, DEALS) as crm:
        config = tmp_path / "dealgate.yaml"
        config.write_text(crm.config_text(tmp_path), encoding="utf-8")
        hold = HoldWrite(crm, 2, "after")  # the first create batch has landed
        pid = zygote.spawn(config, tmp_path / "run.log", once=False)
        assert hold.reached.wait(30)
        os.kill(pid, signal.SIGTERM)
        hold.release.set()
        assert zygote.wait(pid, timeout=15) == 0
        with SqliteStateStore(tmp_path / "state.db") as store:
            assert store.intents() == []
            assert store.runs()[0].status == "interrupted"
            ledger_open = {e.task_id for e in store.all_entries() if e.state.value == "open"}
        assert ledger_open == {t.id for t in crm.tasks() if t.is_open}
        assert len(ledger_open) == BATCH  # the batch in flight, and no more
        assert zygote.wait(zygote.spawn(config, tmp_path / "rerun.log")) == 0
        _check_final(crm, tmp_path / "state.db")
