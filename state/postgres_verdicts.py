"""The verdict table of the PostgreSQL state: the verdict last written on each of a tenant's
deals (`sync.verdict`).

A mixin of `state.postgres.PostgresStateStore`, which provides the tenant, the connections and
their transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from state.base import StoredVerdict


class PostgresVerdicts:
    """`verdicts`, `save_verdicts` and `all_verdicts` of the `StateStore` Protocol on
    PostgreSQL."""

    tenant: str

    def _rows(self, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # the store's own

    def _transaction(self) -> AbstractContextManager[psycopg.Connection[Any]]:
        raise NotImplementedError  # the store's own

    def verdicts(self, deal_ids: Sequence[str]) -> dict[str, StoredVerdict]:
        rows = self._rows(
            "SELECT deal_id, vals, written_at FROM verdict "
            "WHERE tenant_id = %s AND deal_id = ANY(%s)",
            (self.tenant, list(dict.fromkeys(deal_ids))),
        )
        return {str(d): StoredVerdict(str(d), dict(v), w) for d, v, w in rows}

    def save_verdicts(self, verdicts: Sequence[StoredVerdict]) -> None:
        with self._transaction() as db, db.cursor() as cur:
            cur.executemany(
                "INSERT INTO verdict (tenant_id, deal_id, vals, written_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (tenant_id, deal_id) "
                "DO UPDATE SET vals = excluded.vals, written_at = excluded.written_at",
                [(self.tenant, v.deal_id, Jsonb(dict(v.values)), v.written_at) for v in verdicts],
            )

    def all_verdicts(self) -> list[StoredVerdict]:
        rows = self._rows(
            "SELECT deal_id, vals, written_at FROM verdict WHERE tenant_id = %s ORDER BY deal_id",
            (self.tenant,),
        )
        return [StoredVerdict(str(d), dict(v), w) for d, v, w in rows]
