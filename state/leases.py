"""Leases: which worker holds which tenant, and the fencing token that keeps a stale one out.

Every `dealgate serve` process pointed at one PostgreSQL state is a worker. A tenant's row in
`lease` names its holder, an epoch and an expiry. A worker renews its leases every poll; one that
dies stops renewing, and once a lease has expired any live worker takes it (`SELECT ... FOR
UPDATE SKIP LOCKED`), adding one to the epoch. The epoch a worker took the tenant with is its
fencing token: every state transaction of that tenant checks, in the same transaction and under a
share lock on the lease row, that the row still names this worker and this epoch (`check_holder`),
and every CRM write batch checks it again just before the request goes out, with a margin of the
lease left (`LeaseBook.check`). A worker that was paused past its lease and woke up finds the
epoch moved on and writes nothing.

All times are the database's (`clock_timestamp()`), so the workers' clocks never matter.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from state.base import StateError

_NOW = "clock_timestamp()"
_TTL = "make_interval(secs => %s)"


class Fenced(StateError):
    """This worker no longer holds the tenant (its lease was taken over): write nothing."""


@dataclass(frozen=True, slots=True, order=True)
class Lease:
    """A tenant held by a worker under an epoch (the fencing token)."""

    tenant: str
    holder: str
    epoch: int


@dataclass(frozen=True, slots=True)
class TenantStatus:
    """One tenant as `dealgate tenants status` shows it."""

    tenant: str
    holder: str | None  # None: nobody holds it (released, or its holder's lease expired)
    epoch: int
    expires_at: datetime | None
    last_cycle_at: datetime | None
    last_status: str | None
    last_error: str | None
    next_due: datetime | None


def new_worker_id() -> str:
    """A name for this process as a holder: host, pid and a random part (a restarted process
    with the same pid is another worker)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def check_holder(conn: psycopg.Connection[Any], lease: Lease) -> None:
    """Inside the caller's transaction: the lease row still names this holder and epoch, else
    `Fenced`. The share lock holds off a takeover until the transaction ends."""
    row = conn.execute(
        "SELECT 1 FROM lease WHERE tenant_id = %s AND holder = %s AND epoch = %s FOR SHARE",
        (lease.tenant, lease.holder, lease.epoch),
    ).fetchone()
    if row is None:
        raise Fenced(f"tenant {lease.tenant}: epoch {lease.epoch} is no longer this worker's")


class LeaseBook:
    """One worker's view of the `lease` and `worker` tables, on a shared connection pool."""

    def __init__(self, pool: ConnectionPool, worker_id: str, lease_seconds: float) -> None:
        self.pool = pool
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds

    def _execute(self, query: Any, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            with self.pool.connection() as conn, conn.transaction():
                cur = conn.execute(query, params)
                return cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            raise StateError(f"leases: {_first_line(exc)}") from None

    def register(self, tenants: Sequence[str]) -> None:
        """Make sure every tenant has a lease row (free until someone takes it)."""
        for tenant in tenants:
            self._execute(
                "INSERT INTO lease (tenant_id) VALUES (%s) ON CONFLICT DO NOTHING", (tenant,)
            )

    def heartbeat(self) -> int:
        """Say this worker is alive for another lease; return how many workers are alive."""
        self._execute(
            f"INSERT INTO worker (worker_id, started_at, expires_at) VALUES (%s, {_NOW}, "
            f"{_NOW} + {_TTL}) ON CONFLICT (worker_id) DO UPDATE SET expires_at = "
            "excluded.expires_at",
            (self.worker_id, self.lease_seconds),
        )
        self._execute(f"DELETE FROM worker WHERE expires_at < {_NOW} - interval '1 day'")
        rows = self._execute(f"SELECT count(*) FROM worker WHERE expires_at > {_NOW}")
        return max(1, int(rows[0][0]))

    def renew(self, held: Mapping[str, int]) -> set[str]:
        """Extend the leases this worker holds (tenant -> epoch); return the tenants still held
        (a missing one was taken over: its runner must stop)."""
        if not held:
            return set()
        rows = self._execute(
            f"UPDATE lease SET expires_at = {_NOW} + {_TTL} WHERE holder = %s "
            "AND (tenant_id, epoch) IN (SELECT * FROM unnest(%s::text[], %s::bigint[])) "
            "RETURNING tenant_id",
            (self.lease_seconds, self.worker_id, list(held), list(held.values())),
        )
        return {str(r[0]) for r in rows}

    def acquire(self, tenants: Sequence[str], limit: int) -> list[Lease]:
        """Take up to `limit` of `tenants` that nobody holds or whose lease expired, skipping
        rows another worker is taking at this moment; each taken lease gets the next epoch."""
        if limit <= 0 or not tenants:
            return []
        rows = self._execute(
            f"UPDATE lease SET holder = %s, epoch = epoch + 1, expires_at = {_NOW} + {_TTL} "
            "WHERE tenant_id IN (SELECT tenant_id FROM lease WHERE tenant_id = ANY(%s) "
            f"AND (holder IS NULL OR expires_at < {_NOW}) "
            "ORDER BY expires_at NULLS FIRST, tenant_id LIMIT %s FOR UPDATE SKIP LOCKED) "
            "RETURNING tenant_id, epoch",
            (self.worker_id, self.lease_seconds, list(tenants), limit),
        )
        return sorted(Lease(str(t), self.worker_id, int(e)) for t, e in rows)

    def release(self, lease: Lease) -> None:
        """Hand a tenant back at once (the next poll of any worker may take it)."""
        self._execute(
            "UPDATE lease SET holder = NULL, expires_at = NULL "
            "WHERE tenant_id = %s AND holder = %s AND epoch = %s",
            (lease.tenant, lease.holder, lease.epoch),
        )

    def leave(self) -> None:
        """This worker stops: it is no longer counted among the live ones."""
        self._execute("DELETE FROM worker WHERE worker_id = %s", (self.worker_id,))

    def check(self, lease: Lease, margin_seconds: float) -> None:
        """Before a CRM write batch: the lease is still this worker's epoch and has at least
        `margin_seconds` left (so a takeover cannot begin while the request is on its way);
        else `Fenced`."""
        rows = self._execute(
            f"SELECT expires_at > {_NOW} + {_TTL} FROM lease "
            "WHERE tenant_id = %s AND holder = %s AND epoch = %s",
            (margin_seconds, lease.tenant, lease.holder, lease.epoch),
        )
        if not rows:
            raise Fenced(f"tenant {lease.tenant}: epoch {lease.epoch} is no longer this worker's")
        if not rows[0][0]:
            raise Fenced(f"tenant {lease.tenant}: the lease is about to expire (not renewed)")

    def record_cycle(
        self, lease: Lease, status: str, error: str | None, next_due_seconds: float
    ) -> None:
        """Note a finished cycle for `tenants status` (only while the lease is still ours)."""
        rows = self._execute(
            f"UPDATE lease SET last_cycle_at = {_NOW}, last_status = %s, last_error = %s, "
            f"next_due = {_NOW} + {_TTL} WHERE tenant_id = %s AND holder = %s AND epoch = %s "
            "RETURNING 1",
            (status, error, next_due_seconds, lease.tenant, lease.holder, lease.epoch),
        )
        if not rows:
            raise Fenced(f"tenant {lease.tenant}: epoch {lease.epoch} is no longer this worker's")


def tenant_statuses(conn: psycopg.Connection[Any]) -> list[TenantStatus]:
    """Every tenant's lease and last cycle; a holder whose lease expired shows as None."""
    rows = conn.execute(
        f"SELECT tenant_id, CASE WHEN expires_at > {_NOW} THEN holder END, epoch, expires_at, "
        "last_cycle_at, last_status, last_error, next_due FROM lease ORDER BY tenant_id"
    ).fetchall()
    return [TenantStatus(str(t), h, int(e), x, c, s, err, n) for t, h, e, x, c, s, err, n in rows]


def live_workers(conn: psycopg.Connection[Any]) -> list[str]:
    """The workers whose heartbeat has not expired."""
    rows = conn.execute(
        f"SELECT worker_id FROM worker WHERE expires_at > {_NOW} ORDER BY worker_id"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
