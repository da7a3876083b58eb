"""`dealgate tenants status`: each tenant's holder, last cycle, next due and error, as text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from state.base import StateError
from state.leases import TenantStatus
from state.location import is_postgres_url, mask_url
from sync.terminal import printable

HEADER = ("tenant", "holder", "epoch", "last cycle", "status", "next due", "error")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%SZ")


def status_rows(statuses: Sequence[TenantStatus]) -> list[tuple[str, ...]]:
    """One row of cells per tenant (control characters of stored text shown as escapes)."""
    return [
        tuple(
            printable(cell)
            for cell in (
                s.tenant,
                s.holder or "(none)",
                str(s.epoch),
                _when(s.last_cycle_at),
                s.last_status or "-",
                _when(s.next_due),
                s.last_error or "",
            )
        )
        for s in statuses
    ]


def status_text(statuses: Sequence[TenantStatus], workers: Sequence[str]) -> str:
    """The table `dealgate tenants status` prints, then the live workers."""
    rows = [HEADER, *status_rows(statuses)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    lines = [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]
    lines.append(f"live workers ({len(workers)}): {', '.join(map(printable, workers)) or '-'}")
    return "\n".join(lines) + "\n"


def read_status(state: str) -> str:
    """The status text of the workers' state at `state`; StateError when it cannot be read."""
    if not is_postgres_url(state):
        raise StateError(
            f"tenants status needs the workers' PostgreSQL state (got {mask_url(state)!r})"
        )
    try:
        import psycopg

        from state.leases import live_workers, tenant_statuses
    except ImportError as exc:
        raise StateError(f"a PostgreSQL state needs the postgres extra: {exc}") from None
    try:
        with psycopg.connect(state, connect_timeout=10) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            found = conn.execute("SELECT to_regclass('lease') IS NOT NULL").fetchone()
            if not (found and found[0]):
                raise StateError(f"{mask_url(state)} holds no tenants (no worker has run on it)")
            return status_text(tenant_statuses(conn), live_workers(conn))
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()
        reason = first[0] if first else type(exc).__name__
        raise StateError(f"state {mask_url(state)}: {reason}") from None
