"""`dealgate serve`: one worker among any number sharing the tenants of one PostgreSQL state.

Every poll (a quarter of the lease) the worker says it is alive, renews the leases it holds and
takes or hands back tenants so that each live worker holds its fair share, the tenant count
divided by the live workers, rounded up (`state.leases` has the lease rules). A tenant taken runs
in a `sync.tenant_runner.TenantRunner`; one handed back first finishes its write batch in flight.
A worker that dies stops renewing: its leases expire after `lease_seconds` and the next poll of a
live worker takes them, so every tenant has a holder again within the lease plus one poll.
SIGTERM or SIGINT stops every runner after its write batch in flight, hands every lease back at
once and exits 0. `/healthz` answers 503 once the worker has not renewed for a whole lease.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psycopg_pool import ConnectionPool

from state.base import StateError
from state.leases import Lease, LeaseBook, new_worker_id
from state.location import mask_url
from state.postgres_schema import migrate
from state.postgres_session import PostgresSession
from sync.logs import get_logger
from sync.metrics import Metrics
from sync.tenant_runner import TenantRunner
from sync.tenants import Tenant

log = get_logger("dealgate.worker")

LEASE_SECONDS = 60.0  # a dead worker's tenants are taken over within this plus one poll
STOP_SECONDS = 15.0  # how long a stopping worker waits for its runners' batches in flight


@dataclass
class WorkerState:
    """What `/healthz` and the tests see of a worker."""

    worker_id: str
    last_renewal: float = 0.0  # time.monotonic() of the last successful poll
    held: dict[str, int] = field(default_factory=dict)  # tenant -> epoch


class Worker:
    """Shares the tenants with the other workers on `url` until `stop` is set."""

    def __init__(
        self,
        url: str,
        tenants: list[Tenant],
        metrics: Metrics,
        *,
        lease_seconds: float = LEASE_SECONDS,
        worker_id: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.tenants = {t.id: t for t in tenants}
        self.metrics = metrics
        self.lease_seconds = lease_seconds
        self.poll_seconds = max(0.2, lease_seconds / 4)
        self.state = WorkerState(worker_id or new_worker_id())
        self.monotonic = monotonic
        self.runners: dict[str, TenantRunner] = {}
        self.handing_back: set[str] = set()

    def health(self) -> tuple[bool, dict[str, Any]]:
        """`/healthz`: healthy while the last renewal is less than a lease old."""
        age = self.monotonic() - self.state.last_renewal
        healthy = self.state.last_renewal > 0 and age < self.lease_seconds
        body = {
            "healthy": healthy,
            "worker": self.state.worker_id,
            "tenants": sorted(self.state.held),
            "seconds_since_renewal": round(age, 1) if self.state.last_renewal else None,
            "consecutive_failed_cycles": dict(sorted(self.metrics.failures.items())),
        }
        return healthy, body

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set, then hand everything back. Raises StateError when the
        state cannot be opened at start."""
        pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=min(20, 2 + len(self.tenants)),
            kwargs={"autocommit": True, "application_name": f"dealgate {self.state.worker_id}"},
            configure=PostgresSession._configure,
            timeout=10.0,
            open=False,
            name="dealgate-worker",
        )
        try:
            pool.open(wait=True, timeout=10.0)
            with pool.connection() as conn:
                migrate(conn, mask_url(self.url))
        except StateError:
            pool.close()
            raise
        except Exception as exc:  # psycopg and pool errors: the server, the URL, the schema
            pool.close()
            first = str(exc).strip().splitlines()
            raise StateError(f"state {mask_url(self.url)}: {first[0] if first else exc}") from None
        book = LeaseBook(pool, self.state.worker_id, self.lease_seconds)
        log.info("worker_start", worker=self.state.worker_id, tenants=len(self.tenants))
        try:
            book.register(sorted(self.tenants))
            while not stop.is_set():
                try:
                    self._poll(book, pool)
                except StateError as exc:
                    log.error("lease_poll_failed", error=str(exc))
                    if self.monotonic() - self.state.last_renewal > self.lease_seconds:
                        self._stop_all()  # the leases are lost by now: the fence is shut anyway
                stop.wait(self.poll_seconds)
        finally:
            self._shutdown(book)
            pool.close()
            log.info("worker_stop", worker=self.state.worker_id)

    # -- one poll ----------------------------------------------------------------------------
    def _poll(self, book: LeaseBook, pool: ConnectionPool) -> None:
        live = book.heartbeat()
        held = {t: r.lease.epoch for t, r in self.runners.items()}
        kept = book.renew(held)
        self.state.last_renewal = self.monotonic()
        for tenant in sorted(set(held) - kept):  # taken over while we were away
            log.warning("lease_lost", tenant=tenant, epoch=held[tenant])
            self.runners[tenant].request_stop()
            self._forget(tenant)
        for tenant, runner in sorted(self.runners.items()):
            if not runner.alive:  # fenced, or handed back and done with its batch
                if not runner.fenced:
                    book.release(runner.lease)
                self._forget(tenant)
        fair = math.ceil(len(self.tenants) / live)
        active = [t for t in self.runners if t not in self.handing_back]
        if len(active) > fair:
            # hand back the ones between cycles first: they have no batch in flight
            excess = sorted(active, key=lambda t: (self.runners[t].in_cycle, t))[fair:]
            for tenant in excess:
                log.info("tenant_handed_back", tenant=tenant, fair_share=fair, live=live)
                self.handing_back.add(tenant)
                self.runners[tenant].request_stop()
        elif len(active) < fair:
            free = [t for t in sorted(self.tenants) if t not in self.runners]
            for lease in book.acquire(free, fair - len(active)):
                self._start(lease, book, pool)
        self.state.held = {t: r.lease.epoch for t, r in self.runners.items()}

    def _start(self, lease: Lease, book: LeaseBook, pool: ConnectionPool) -> None:
        log.info("tenant_taken", tenant=lease.tenant, epoch=lease.epoch)
        runner = TenantRunner(self.tenants[lease.tenant], lease, book, pool, self.metrics)
        self.runners[lease.tenant] = runner.start()

    def _forget(self, tenant: str) -> None:
        self.runners.pop(tenant, None)
        self.handing_back.discard(tenant)
        self.metrics.forget(tenant)

    def _stop_all(self) -> None:
        for runner in self.runners.values():
            runner.request_stop()

    def _shutdown(self, book: LeaseBook) -> None:
        """Stop every runner (each finishes its batch in flight), then hand back every lease."""
        self._stop_all()
        deadline = self.monotonic() + STOP_SECONDS
        for runner in self.runners.values():
            runner.join(max(0.0, deadline - self.monotonic()))
        for tenant, runner in sorted(self.runners.items()):
            if runner.alive or runner.fenced:
                continue  # still writing (then its lease expires) or no longer ours
            try:
                book.release(runner.lease)
            except StateError as exc:
                log.error("lease_not_released", tenant=tenant, error=str(exc))
        self.runners.clear()
        self.state.held = {}
        try:
            book.leave()
        except StateError as exc:
            log.error("worker_not_removed", error=str(exc))
