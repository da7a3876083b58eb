"""The engine's memory: cursor, task ledger, snoozes, rescan time and run history.

`StateStore` is the small interface the engine needs; `state.sqlite.SqliteStateStore`
implements it on one SQLite file (the embedded default) and `state.postgres.PostgresStateStore`
on a PostgreSQL database shared by many tenants. `open_store` opens either by its location.

The verdict table keeps, per deal, the verdict values dealgate last wrote on the deal record, so
that a deal is written again only when one of them changes.

The ledger holds one row per task dealgate created or adopted. A create is first recorded as an
`intent` (deal, gate, no CRM id) and committed before the write; the CRM id follows after it.
An intent left by a crash is reconciled against the CRM's marker tasks before anything is written
again (`sync.recovery`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from connector.base import Cursor

DEFAULT_TENANT = "default"  # the tenant of a single-org install


class StateError(Exception):
    """The state store cannot be used (unreadable file, newer schema, ...)."""


class StateLocked(StateError):
    """Another process already writes to this state."""


class TaskState(StrEnum):
    """Where a ledger task stands, as far as dealgate knows."""

    INTENT = "intent"  # about to be created; no CRM id yet
    OPEN = "open"  # exists in the CRM, open
    COMPLETING = "completing"  # dealgate is completing it
    COMPLETED = "completed"  # completed by dealgate
    CLOSED_BY_REP = "closed_by_rep"  # completed or deleted by someone else


ACTIVE_STATES = frozenset({TaskState.INTENT, TaskState.OPEN, TaskState.COMPLETING})


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One task dealgate created or adopted."""

    deal_id: str
    gate_id: str
    task_id: str | None
    state: TaskState
    owner_id: str | None = None
    updated_at: datetime | None = None
    row: int = 0  # store key; 0 for entries not yet stored


@dataclass(frozen=True, slots=True)
class Snooze:
    """No new task for (deal, gate) before `until`; `task_id` is the task whose closing began it."""

    deal_id: str
    gate_id: str
    task_id: str
    until: datetime


@dataclass(frozen=True, slots=True)
class StoredVerdict:
    """The verdict values dealgate last wrote on a deal, by key (`sync.verdict`), and when."""

    deal_id: str
    values: Mapping[str, str | int | bool | None]
    written_at: datetime


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One cycle in the run history."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    full: bool
    status: str  # running | ok | failed | interrupted
    counts: Mapping[str, int]
    errors: tuple[str, ...]


class StateStore(Protocol):
    """What the engine keeps between cycles. Every method commits before it returns."""

    def close(self) -> None: ...

    def cursor(self) -> Cursor | None: ...

    def save_cursor(self, cursor: Cursor) -> None: ...

    def last_full_rescan(self) -> datetime | None: ...

    def save_full_rescan(self, at: datetime) -> None: ...

    def catch_up_at(self) -> datetime | None:
        """When tasks the per-owner cap deferred may be created: the first cycle from then on
        re-reads every deal. None when nothing waits."""
        ...

    def save_catch_up_at(self, at: datetime | None) -> None: ...

    def method_fingerprint(self) -> str | None:
        """The mapping and gate set of the last full cycle (`sync.fingerprint`)."""
        ...

    def save_method_fingerprint(self, fingerprint: str) -> None: ...

    def tasks_created_since(self, since: datetime) -> dict[str, list[datetime]]:
        """Per owner, when dealgate created each of their tasks after `since` (oldest first):
        the rolling window of `tasks.max_new_per_owner`."""
        ...

    def record_tasks_created(self, owner_ids: Sequence[str], at: datetime) -> None:
        """Remember that a task was created for each of `owner_ids` at `at`; creations older
        than a day are forgotten."""
        ...

    def tracked_deals(self) -> set[str]:
        """Deals with an active ledger entry or a snooze."""
        ...

    def entries(self, deal_id: str) -> list[LedgerEntry]: ...

    def entries_of(self, deal_ids: Sequence[str]) -> dict[str, list[LedgerEntry]]:
        """The entries of each of these deals that has any, in row order: one lookup for many
        deals (a cycle looks deals up a chunk at a time)."""
        ...

    def all_entries(self) -> list[LedgerEntry]: ...

    def snoozes(self, deal_id: str) -> list[Snooze]: ...

    def snoozes_of(self, deal_ids: Sequence[str]) -> dict[str, list[Snooze]]:
        """The snoozes of each of these deals that has any."""
        ...

    def intents(self) -> list[LedgerEntry]: ...

    def add_intents(self, entries: Sequence[LedgerEntry], at: datetime) -> list[LedgerEntry]:
        """Store intents (committed before returning); the returned entries carry their row."""
        ...

    def upsert(self, entries: Sequence[LedgerEntry], at: datetime) -> None:
        """Store entries: by row when set, else by CRM task id (insert when new)."""
        ...

    def record(
        self, entries: Sequence[LedgerEntry], snoozes: Sequence[Snooze], at: datetime
    ) -> None:
        """`upsert(entries, at)` and `add_snoozes(snoozes)` in one transaction: what a chunk of
        deals' plans learned of their tasks, committed at once."""
        ...

    def drop(self, rows: Sequence[int]) -> None: ...

    def add_snoozes(self, snoozes: Sequence[Snooze]) -> None: ...

    def prune_snoozes(self, now: datetime) -> int:
        """Forget snoozes that ended before `now` (at each full rescan); return how many."""
        ...

    def prune_ledger(self, before: datetime) -> int:
        """Forget completed and rep-closed ledger rows last changed before `before` (at each full
        rescan; see `sync.engine.ledger_cutoff`); return how many."""
        ...

    def forget_deal(self, deal_id: str) -> None:
        """Drop everything known about a deal (ledger, snoozes, verdict): it was deleted."""
        ...

    def verdicts(self, deal_ids: Sequence[str]) -> dict[str, StoredVerdict]:
        """The last written verdict of each of these deals that has one."""
        ...

    def save_verdicts(self, verdicts: Sequence[StoredVerdict]) -> None:
        """Remember what was written on these deals (replacing what was stored)."""
        ...

    def all_verdicts(self) -> list[StoredVerdict]:
        """Every stored verdict (`state migrate`)."""
        ...

    def start_run(self, started_at: datetime, *, full: bool) -> int: ...

    def finish_run(
        self,
        run_id: int,
        finished_at: datetime,
        *,
        status: str,
        counts: Mapping[str, int],
        errors: Sequence[str],
    ) -> None: ...

    def runs(self, limit: int = 20) -> list[RunRecord]: ...


def open_store(
    location: Path | str, *, read_only: bool = False, tenant: str = DEFAULT_TENANT
) -> StateStore:
    """The state at `location`: an SQLite file (a path or `sqlite:///PATH`, created when missing
    unless read-only) or a `postgresql://` URL (the tables are created when missing, unless
    read-only); `tenant` selects one tenant's rows in a PostgreSQL state."""
    from state.location import is_postgres_url, sqlite_path

    if is_postgres_url(location):
        try:
            from state.postgres import PostgresStateStore
        except ImportError as exc:
            raise StateError(
                f"a PostgreSQL state needs the postgres extra (pip install 'dealgate[postgres]'): "
                f"{exc}"
            ) from None
        return PostgresStateStore(str(location), tenant=tenant, read_only=read_only)
    from state.sqlite import SqliteStateStore

    return SqliteStateStore(sqlite_path(location), read_only=read_only)
