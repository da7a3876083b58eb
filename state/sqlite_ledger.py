"""The ledger and snooze tables of the SQLite state: what dealgate believes of each marker task,
and the gates a rep's closing put to sleep.

A mixin of `state.sqlite.SqliteStateStore`, which provides the connection and its transactions.
Reads of many deals go in one statement per `_IN_CHUNK` deals: in WAL mode every statement outside
a transaction opens a read transaction of its own, and a cycle looking deals up one by one spent
more CPU there than on judging them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from state.base import ACTIVE_STATES, LedgerEntry, Snooze, TaskState

_ACTIVE = tuple(s.value for s in ACTIVE_STATES)
_IN_CHUNK = 500  # deal ids per `IN (...)`: well under SQLite's bound on host parameters
_COLUMNS = "row, deal_id, gate_id, task_id, state, owner_id, updated_at"


def iso(at: datetime) -> str:
    """A moment as the state stores it: ISO 8601 in UTC."""
    return at.astimezone(UTC).isoformat()


def parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _chunks(deal_ids: Sequence[str]) -> Iterator[list[str]]:
    ids = list(dict.fromkeys(deal_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def _entry(row: sqlite3.Row | tuple[object, ...]) -> LedgerEntry:
    rowid, deal_id, gate_id, task_id, state, owner_id, updated_at = row
    return LedgerEntry(
        deal_id=str(deal_id),
        gate_id=str(gate_id),
        task_id=None if task_id is None else str(task_id),
        state=TaskState(str(state)),
        owner_id=None if owner_id is None else str(owner_id),
        updated_at=parse_iso(str(updated_at)),
        row=int(str(rowid)),
    )


def _snooze(row: sqlite3.Row | tuple[object, ...]) -> Snooze:
    deal_id, gate_id, task_id, until = row
    return Snooze(str(deal_id), str(gate_id), str(task_id), datetime.fromisoformat(str(until)))


class SqliteLedger:
    """The ledger and snooze methods of the `StateStore` Protocol on SQLite."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # the store's own

    # -- ledger ------------------------------------------------------------------------------
    def tracked_deals(self) -> set[str]:
        marks = ",".join("?" * len(_ACTIVE))
        rows = self._db.execute(
            f"SELECT deal_id FROM ledger WHERE state IN ({marks}) UNION SELECT deal_id FROM snooze",
            _ACTIVE,
        )
        return {str(r[0]) for r in rows}

    def entries(self, deal_id: str) -> list[LedgerEntry]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM ledger WHERE deal_id = ? ORDER BY row", (deal_id,)
        )
        return [_entry(r) for r in rows]

    def entries_of(self, deal_ids: Sequence[str]) -> dict[str, list[LedgerEntry]]:
        found: dict[str, list[LedgerEntry]] = {}
        for chunk in _chunks(deal_ids):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM ledger WHERE deal_id IN ({marks}) ORDER BY row", chunk
            )
            for row in rows:
                entry = _entry(row)
                found.setdefault(entry.deal_id, []).append(entry)
        return found

    def all_entries(self) -> list[LedgerEntry]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM ledger ORDER BY row")
        return [_entry(r) for r in rows]

    def intents(self) -> list[LedgerEntry]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM ledger WHERE state = 'intent' ORDER BY row"
        )
        return [_entry(r) for r in rows]

    def add_intents(self, entries: Sequence[LedgerEntry], at: datetime) -> list[LedgerEntry]:
        stored: list[LedgerEntry] = []
        with self._transaction() as db:
            for e in entries:
                cur = db.execute(
                    "INSERT INTO ledger (deal_id, gate_id, task_id, state, owner_id, updated_at) "
                    "VALUES (?, ?, NULL, 'intent', ?, ?)",
                    (e.deal_id, e.gate_id, e.owner_id, iso(at)),
                )
                row = int(cur.lastrowid or 0)
                stored.append(
                    LedgerEntry(e.deal_id, e.gate_id, None, TaskState.INTENT, e.owner_id, at, row)
                )
        return stored

    def upsert(self, entries: Sequence[LedgerEntry], at: datetime) -> None:
        with self._transaction() as db:
            _upsert(db, entries, at)

    def drop(self, rows: Sequence[int]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM ledger WHERE row = ?", [(r,) for r in rows])

    def record(
        self, entries: Sequence[LedgerEntry], snoozes: Sequence[Snooze], at: datetime
    ) -> None:
        with self._transaction() as db:
            _upsert(db, entries, at)
            _add_snoozes(db, snoozes)

    # -- snoozes -----------------------------------------------------------------------------
    def snoozes(self, deal_id: str) -> list[Snooze]:
        rows = self._db.execute(
            "SELECT deal_id, gate_id, task_id, until FROM snooze WHERE deal_id = ?", (deal_id,)
        )
        return [_snooze(r) for r in rows]

    def snoozes_of(self, deal_ids: Sequence[str]) -> dict[str, list[Snooze]]:
        found: dict[str, list[Snooze]] = {}
        for chunk in _chunks(deal_ids):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT deal_id, gate_id, task_id, until FROM snooze WHERE deal_id IN ({marks})",
                chunk,
            )
            for row in rows:
                snooze = _snooze(row)
                found.setdefault(snooze.deal_id, []).append(snooze)
        return found

    def add_snoozes(self, snoozes: Sequence[Snooze]) -> None:
        with self._transaction() as db:
            _add_snoozes(db, snoozes)

    def prune_snoozes(self, now: datetime) -> int:
        """Forget snoozes that ended before `now`; return how many."""
        with self._transaction() as db:
            return db.execute("DELETE FROM snooze WHERE until < ?", (iso(now),)).rowcount

    def prune_ledger(self, before: datetime) -> int:
        """Forget completed and rep-closed rows last changed before `before`; return how many.
        Active rows (intent, open, completing) are never pruned."""
        with self._transaction() as db:
            return db.execute(
                "DELETE FROM ledger WHERE state IN ('completed', 'closed_by_rep') "
                "AND updated_at < ?",
                (iso(before),),
            ).rowcount


def _upsert(db: sqlite3.Connection, entries: Sequence[LedgerEntry], at: datetime) -> None:
    """Store entries inside the caller's transaction: by row when set, else by CRM task id."""
    for e in entries:
        values = (e.deal_id, e.gate_id, e.task_id, e.state.value, e.owner_id, iso(at))
        if e.row:
            db.execute(
                "UPDATE ledger SET deal_id = ?, gate_id = ?, task_id = ?, state = ?, "
                "owner_id = ?, updated_at = ? WHERE row = ?",
                (*values, e.row),
            )
        elif e.task_id is not None:
            db.execute(
                "INSERT INTO ledger (deal_id, gate_id, task_id, state, owner_id, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) "
                "WHERE task_id IS NOT NULL DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                values,
            )
        else:
            raise ValueError("a ledger entry needs a row or a task id")


def _add_snoozes(db: sqlite3.Connection, snoozes: Sequence[Snooze]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO snooze (deal_id, gate_id, task_id, until) VALUES (?, ?, ?, ?)",
        [(s.deal_id, s.gate_id, s.task_id, iso(s.until)) for s in snoozes],
    )
