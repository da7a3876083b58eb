"""One held tenant inside a `dealgate serve` worker: its cycles, in a thread of their own.

The runner builds the tenant's connector and engine on a state store fenced by the lease
(`state.leases`): every state transaction and every CRM write batch checks that this worker still
holds the tenant under the epoch it took it with. The first cycle runs at once, then one every
`poll_interval_seconds`. A cycle that fails is recorded (`dealgate tenants status`) and tried
again at the next poll; a fenced one ends the runner at once, without writing anything more.
`request_stop` lets the write batch in flight finish, as SIGTERM does for `dealgate run`.
"""

from __future__ import annotations

import threading

from psycopg_pool import ConnectionPool

from connector.errors import CRMError, Interrupted
from state.base import StateError
from state.leases import Fenced, Lease, LeaseBook
from state.postgres import PostgresStateStore
from sync.engine import Engine
from sync.factory import build_connector, interruptible_sleep
from sync.logs import get_logger, scrub
from sync.metrics import Metrics
from sync.tenants import Tenant
from sync.terminal import one_line

log = get_logger("dealgate.tenant")


class TenantRunner:
    """Cycles of one tenant under one lease."""

    def __init__(
        self,
        tenant: Tenant,
        lease: Lease,
        book: LeaseBook,
        pool: ConnectionPool,
        metrics: Metrics,
    ) -> None:
        self.tenant = tenant
        self.lease = lease
        self.book = book
        self.pool = pool
        self.metrics = metrics
        self.stop = threading.Event()
        self.fenced = False
        self.in_cycle = False
        self._engine: Engine | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"dealgate-tenant-{tenant.id}", daemon=True
        )

    def start(self) -> TenantRunner:
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def request_stop(self) -> None:
        """Finish the write batch in flight, then end (the lease is the worker's to release)."""
        self.stop.set()
        if self._engine is not None:
            self._engine.request_stop()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        tenant, settings = self.tenant, self.tenant.settings
        log.info("tenant_start", tenant=tenant.id, epoch=self.lease.epoch)
        store = PostgresStateStore(
            settings.state, tenant=tenant.id, pool=self.pool, fence=self.lease
        )
        margin = self.book.lease_seconds / 3
        try:
            connector = build_connector(settings, sleep=interruptible_sleep(self.stop))
            self._engine = Engine(
                settings,
                connector,
                store,
                mapping=tenant.mapping,
                catalog=tenant.catalog,
                fence=lambda: self.book.check(self.lease, margin),
            )
            if self.stop.is_set():
                self._engine.request_stop()
            while not self.stop.is_set():
                self._cycle(self._engine)
                if self.fenced:
                    break
                self.stop.wait(settings.poll_interval_seconds)
        except CRMError as exc:  # the connector could not even be built
            self._record("failed", f"{settings.crm}: {exc}")
        finally:
            store.close()
            log.info("tenant_stop", tenant=tenant.id, epoch=self.lease.epoch, fenced=self.fenced)

    def _cycle(self, engine: Engine) -> None:
        tenant = self.tenant.id
        calls_before = engine.connector.api_calls
        self.in_cycle = True
        try:
            report = engine.run_cycle()
        except Fenced as exc:
            self.fenced = True
            log.warning("tenant_fenced", tenant=tenant, epoch=self.lease.epoch, reason=str(exc))
            return
        except Interrupted:
            return
        except (CRMError, StateError) as exc:
            self.metrics.cycle_failed(engine.connector.api_calls - calls_before, tenant)
            log.error("cycle_failed", tenant=tenant, error=str(exc))
            self._record("failed", str(exc))
            return
        except Exception as exc:  # a bug must not end the worker: log it, try again later
            self.metrics.cycle_failed(engine.connector.api_calls - calls_before, tenant)
            log.exception("cycle_crashed", tenant=tenant, error=f"{type(exc).__name__}: {exc}")
            self._record("failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            self.in_cycle = False
        self.metrics.cycle_done(report, tenant)
        log.info("cycle_summary", tenant=tenant, **report.counts())
        self._record("interrupted" if report.interrupted else "ok", None)

    def _record(self, status: str, error: str | None) -> None:
        text = None if error is None else scrub(one_line(error))[:500]
        try:
            self.book.record_cycle(
                self.lease, status, text, self.tenant.settings.poll_interval_seconds
            )
        except Fenced as exc:
            self.fenced = True
            log.warning("tenant_fenced", tenant=self.tenant.id, reason=str(exc))
        except StateError as exc:
            log.error("tenant_status_not_saved", tenant=self.tenant.id, error=str(exc))
