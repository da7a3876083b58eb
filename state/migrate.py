"""`dealgate state migrate`: copy one tenant's state from one store to another (SQLite to
PostgreSQL, or back), so an install can move without a full re-read of the CRM.

The copy goes through the `StateStore` Protocol only, so any backend can be either side: the
cursor, rescan time and catch-up flag, every ledger entry (intents stay intents, so a crash's
reconciliation still happens after the move), every snooze and the run history. The source is
opened as a writer, so a daemon still running on it is refused (stop it first). A target that
already holds a state is refused unless `overwrite` is set, which first deletes what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from state.base import LedgerEntry, Snooze, StateError, StateStore, TaskState

RUN_HISTORY = 1000  # the stores keep at most this many runs


@runtime_checkable
class Clearable(Protocol):
    """A store that can delete its whole state (PostgreSQL: one tenant's rows)."""

    def clear(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Copied:
    """What a migration copied."""

    entries: int
    snoozes: int
    runs: int

    def summary(self) -> str:
        return f"copied {self.entries} ledger entries, {self.snoozes} snoozes and {self.runs} runs"


def _snoozes(store: StateStore) -> list[Snooze]:
    # every snoozed deal is a tracked deal, so this finds every snooze
    return [s for deal in sorted(store.tracked_deals()) for s in store.snoozes(deal)]


def is_empty(store: StateStore) -> bool:
    """True when the store holds no state at all."""
    return (
        store.cursor() is None
        and store.last_full_rescan() is None
        and not store.all_entries()
        and not store.tracked_deals()
        and not store.runs(limit=1)
    )


def copy_state(source: StateStore, target: StateStore, *, overwrite: bool = False) -> Copied:
    """Copy everything `source` holds into `target`; refuse a non-empty target unless
    `overwrite`."""
    if not is_empty(target):
        if not overwrite:
            raise StateError("the target already holds a state; pass --replace to overwrite it")
        if not isinstance(target, Clearable):
            raise StateError(
                "this target cannot be overwritten in place; delete its file and run again"
            )
        target.clear()
    entries = source.all_entries()
    for entry in entries:
        _copy_entry(entry, target)
    snoozes = _snoozes(source)
    target.add_snoozes(snoozes)
    target.save_verdicts(source.all_verdicts())
    runs = list(reversed(source.runs(limit=RUN_HISTORY)))
    for run in runs:
        run_id = target.start_run(run.started_at, full=run.full)
        if run.finished_at is not None:
            target.finish_run(
                run_id, run.finished_at, status=run.status, counts=run.counts, errors=run.errors
            )
    # the cursor last: a copy cut short leaves a target that re-reads, never one that skips
    created = sorted(
        (at, owner_id)
        for owner_id, stamps in source.tasks_created_since(datetime.min.replace(tzinfo=UTC)).items()
        for at in stamps
    )
    for at, owner_id in created:  # oldest first: each call drops what is older than a day
        target.record_tasks_created([owner_id], at)
    target.save_catch_up_at(source.catch_up_at())
    fingerprint = source.method_fingerprint()
    if fingerprint is not None:
        target.save_method_fingerprint(fingerprint)
    rescan = source.last_full_rescan()
    if rescan is not None:
        target.save_full_rescan(rescan)
    cursor = source.cursor()
    if cursor is not None:
        target.save_cursor(cursor)
    return Copied(len(entries), len(snoozes), len(runs))


def _copy_entry(entry: LedgerEntry, target: StateStore) -> None:
    at = entry.updated_at or datetime.now(UTC)
    if entry.state is TaskState.INTENT or entry.task_id is None:
        [stored] = target.add_intents([entry], at)
        if entry.state is not TaskState.INTENT:
            target.upsert([replace(entry, row=stored.row)], at)
        return
    target.upsert([replace(entry, row=0)], at)
