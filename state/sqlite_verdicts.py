"""The verdict table of the SQLite state: the verdict last written on each deal (`sync.verdict`).

A mixin of `state.sqlite.SqliteStateStore`, which provides the connection and its transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from state.base import StoredVerdict


class SqliteVerdicts:
    """`verdicts`, `save_verdicts` and `all_verdicts` of the `StateStore` Protocol on SQLite."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # the store's own

    def verdicts(self, deal_ids: Sequence[str]) -> dict[str, StoredVerdict]:
        found: dict[str, StoredVerdict] = {}
        ids = list(dict.fromkeys(deal_ids))
        for start in range(0, len(ids), 500):  # SQLite's bound on host parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT deal_id, vals, written_at FROM verdict WHERE deal_id IN ({marks})", chunk
            )
            for deal_id, vals, written_at in rows:
                found[str(deal_id)] = StoredVerdict(
                    str(deal_id), json.loads(vals), datetime.fromisoformat(str(written_at))
                )
        return found

    def save_verdicts(self, verdicts: Sequence[StoredVerdict]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO verdict (deal_id, vals, written_at) VALUES (?, ?, ?) "
                "ON CONFLICT (deal_id) DO UPDATE SET vals = excluded.vals, "
                "written_at = excluded.written_at",
                [
                    (
                        v.deal_id,
                        json.dumps(dict(v.values), sort_keys=True),
                        v.written_at.astimezone(UTC).isoformat(),
                    )
                    for v in verdicts
                ],
            )

    def all_verdicts(self) -> list[StoredVerdict]:
        rows = self._db.execute("SELECT deal_id, vals, written_at FROM verdict ORDER BY deal_id")
        return [
            StoredVerdict(str(d), json.loads(v), datetime.fromisoformat(str(w))) for d, v, w in rows
        ]
