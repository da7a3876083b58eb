"""The state store on PostgreSQL: many tenants in one database, a versioned schema, one writer
per tenant.

Every row carries a `tenant_id`; a single-org install uses `DEFAULT_TENANT`. The tables live in
the first schema of the connection's `search_path` (`public` unless the URL sets
`options=-csearch_path%3DNAME`). The schema is versioned like the SQLite one: `schema_version`
records every migration applied and `MIGRATIONS` is the ordered list of scripts; opening applies
the missing ones, each in a transaction under an advisory lock (two processes starting at once
migrate once), and refuses a database from a newer dealgate.

Crash rules as on SQLite: every method commits before it returns, and a method that writes
several rows does so in one transaction. One writer per tenant: a writer holds a session-level
advisory lock on (schema, tenant) on a connection of its own for its lifetime; the server drops it
when that connection ends (the process exited or was killed), and a second writer is refused with
`StateLocked`. Reads and writes go through a psycopg connection pool.

A read-only store (dry runs) takes no lock and never writes a table: on one connection it copies
the tenant's rows into temporary tables of the same shape, which shadow the real ones (PostgreSQL
searches `pg_temp` first) and vanish when the store closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from state.base import (
    ACTIVE_STATES,
    LedgerEntry,
    RunRecord,
    Snooze,
    TaskState,
)
from state.meta import MetaValues
from state.postgres_schema import TENANT_TABLES
from state.postgres_session import PostgresSession
from state.postgres_verdicts import PostgresVerdicts

RUN_HISTORY = 1000  # runs kept per tenant: the history is for people
_ACTIVE = [s.value for s in ACTIVE_STATES]
_COLUMNS = "id, deal_id, gate_id, task_id, state, owner_id, updated_at"


class PostgresStateStore(PostgresSession, PostgresVerdicts, MetaValues):
    """`StateStore` for one tenant in a PostgreSQL database. `read_only` takes no lock and never
    writes a table. `pool` shares one connection pool among several stores (the caller closes it);
    without it the store opens and closes a pool of its own."""

    # -- meta --------------------------------------------------------------------------------
    def _get(self, key: str) -> str | None:
        rows = self._rows(
            "SELECT value FROM meta WHERE tenant_id = %s AND key = %s", (self.tenant, key)
        )
        return str(rows[0][0]) if rows else None

    def _set(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (tenant_id, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value",
                (self.tenant, key, value),
            )

    # -- the rolling per-owner cap -----------------------------------------------------------
    def tasks_created_since(self, since: datetime) -> dict[str, list[datetime]]:
        rows = self._rows(
            "SELECT owner_id, at FROM created WHERE tenant_id = %s AND at > %s ORDER BY at",
            (self.tenant, since),
        )
        found: dict[str, list[datetime]] = {}
        for owner_id, at in rows:
            found.setdefault(str(owner_id), []).append(at)
        return found

    def record_tasks_created(self, owner_ids: Sequence[str], at: datetime) -> None:
        with self._transaction() as db:
            with db.cursor() as cur:
                cur.executemany(
                    "INSERT INTO created (tenant_id, owner_id, at) VALUES (%s, %s, %s)",
                    [(self.tenant, owner_id, at) for owner_id in owner_ids],
                )
            db.execute(
                "DELETE FROM created WHERE tenant_id = %s AND at < %s",
                (self.tenant, at - timedelta(days=1)),
            )

    # -- ledger ------------------------------------------------------------------------------
    @staticmethod
    def _entry(row: Sequence[Any]) -> LedgerEntry:
        rowid, deal_id, gate_id, task_id, state, owner_id, updated_at = row
        return LedgerEntry(
            deal_id=str(deal_id),
            gate_id=str(gate_id),
            task_id=None if task_id is None else str(task_id),
            state=TaskState(str(state)),
            owner_id=None if owner_id is None else str(owner_id),
            updated_at=updated_at,
            row=int(rowid),
        )

    def tracked_deals(self) -> set[str]:
        rows = self._rows(
            "SELECT deal_id FROM ledger WHERE tenant_id = %s AND state = ANY(%s) "
            "UNION SELECT deal_id FROM snooze WHERE tenant_id = %s",
            (self.tenant, _ACTIVE, self.tenant),
        )
        return {str(r[0]) for r in rows}

    def entries(self, deal_id: str) -> list[LedgerEntry]:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM ledger WHERE tenant_id = %s AND deal_id = %s ORDER BY id",
            (self.tenant, deal_id),
        )
        return [self._entry(r) for r in rows]

    def entries_of(self, deal_ids: Sequence[str]) -> dict[str, list[LedgerEntry]]:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM ledger WHERE tenant_id = %s AND deal_id = ANY(%s) ORDER BY id",
            (self.tenant, list(dict.fromkeys(deal_ids))),
        )
        found: dict[str, list[LedgerEntry]] = {}
        for row in rows:
            entry = self._entry(row)
            found.setdefault(entry.deal_id, []).append(entry)
        return found

    def all_entries(self) -> list[LedgerEntry]:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM ledger WHERE tenant_id = %s ORDER BY id", (self.tenant,)
        )
        return [self._entry(r) for r in rows]

    def intents(self) -> list[LedgerEntry]:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM ledger WHERE tenant_id = %s AND state = 'intent' ORDER BY id",
            (self.tenant,),
        )
        return [self._entry(r) for r in rows]

    def add_intents(self, entries: Sequence[LedgerEntry], at: datetime) -> list[LedgerEntry]:
        stored: list[LedgerEntry] = []
        with self._transaction() as db:
            for e in entries:
                row = db.execute(
                    "INSERT INTO ledger (tenant_id, deal_id, gate_id, task_id, state, owner_id, "
                    "updated_at) VALUES (%s, %s, %s, NULL, 'intent', %s, %s) RETURNING id",
                    (self.tenant, e.deal_id, e.gate_id, e.owner_id, at),
                ).fetchone()
                stored.append(
                    LedgerEntry(
                        e.deal_id, e.gate_id, None, TaskState.INTENT, e.owner_id, at,
                        int(row[0]) if row else 0,
                    )
                )  # fmt: skip
        return stored

    def upsert(self, entries: Sequence[LedgerEntry], at: datetime) -> None:
        with self._transaction() as db:
            self._upsert(db, entries, at)

    def record(
        self, entries: Sequence[LedgerEntry], snoozes: Sequence[Snooze], at: datetime
    ) -> None:
        with self._transaction() as db:
            self._upsert(db, entries, at)
            self._add_snoozes(db, snoozes)

    def _upsert(self, db: Any, entries: Sequence[LedgerEntry], at: datetime) -> None:
        """Store entries inside the caller's transaction: by row when set, else by task id."""
        for e in entries:
            values = (e.deal_id, e.gate_id, e.task_id, e.state.value, e.owner_id, at)
            if e.row:
                db.execute(
                    "UPDATE ledger SET deal_id = %s, gate_id = %s, task_id = %s, state = %s, "
                    "owner_id = %s, updated_at = %s WHERE tenant_id = %s AND id = %s",
                    (*values, self.tenant, e.row),
                )
            elif e.task_id is not None:
                db.execute(
                    "INSERT INTO ledger (tenant_id, deal_id, gate_id, task_id, state, "
                    "owner_id, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (tenant_id, task_id) WHERE task_id IS NOT NULL "
                    "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                    (self.tenant, *values),
                )
            else:
                raise ValueError("a ledger entry needs a row or a task id")

    def drop(self, rows: Sequence[int]) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM ledger WHERE tenant_id = %s AND id = ANY(%s)",
                (self.tenant, list(rows)),
            )

    # -- snoozes -----------------------------------------------------------------------------
    def snoozes(self, deal_id: str) -> list[Snooze]:
        rows = self._rows(
            "SELECT deal_id, gate_id, task_id, until FROM snooze "
            "WHERE tenant_id = %s AND deal_id = %s ORDER BY gate_id, task_id",
            (self.tenant, deal_id),
        )
        return [Snooze(str(d), str(g), str(t), u) for d, g, t, u in rows]

    def snoozes_of(self, deal_ids: Sequence[str]) -> dict[str, list[Snooze]]:
        rows = self._rows(
            "SELECT deal_id, gate_id, task_id, until FROM snooze "
            "WHERE tenant_id = %s AND deal_id = ANY(%s) ORDER BY deal_id, gate_id, task_id",
            (self.tenant, list(dict.fromkeys(deal_ids))),
        )
        found: dict[str, list[Snooze]] = {}
        for d, g, t, u in rows:
            found.setdefault(str(d), []).append(Snooze(str(d), str(g), str(t), u))
        return found

    def add_snoozes(self, snoozes: Sequence[Snooze]) -> None:
        with self._transaction() as db:
            self._add_snoozes(db, snoozes)

    def _add_snoozes(self, db: Any, snoozes: Sequence[Snooze]) -> None:
        for s in snoozes:
            db.execute(
                "INSERT INTO snooze (tenant_id, deal_id, gate_id, task_id, until) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.tenant, s.deal_id, s.gate_id, s.task_id, s.until),
            )

    def prune_snoozes(self, now: datetime) -> int:
        """Forget snoozes that ended before `now`; return how many."""
        with self._transaction() as db:
            return db.execute(
                "DELETE FROM snooze WHERE tenant_id = %s AND until < %s", (self.tenant, now)
            ).rowcount

    def prune_ledger(self, before: datetime) -> int:
        """Forget completed and rep-closed rows last changed before `before`; return how many.
        Active rows (intent, open, completing) are never pruned."""
        with self._transaction() as db:
            return db.execute(
                "DELETE FROM ledger WHERE tenant_id = %s "
                "AND state IN ('completed', 'closed_by_rep') AND updated_at < %s",
                (self.tenant, before),
            ).rowcount

    def forget_deal(self, deal_id: str) -> None:
        """Drop everything known about a deal (it was deleted in the CRM)."""
        with self._transaction() as db:
            for table in ("ledger", "snooze", "verdict"):
                db.execute(
                    sql.SQL("DELETE FROM {} WHERE tenant_id = %s AND deal_id = %s").format(
                        sql.Identifier(table)
                    ),
                    (self.tenant, deal_id),
                )

    # -- run history -------------------------------------------------------------------------
    def start_run(self, started_at: datetime, *, full: bool) -> int:
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO run (tenant_id, started_at, full_rescan, status) "
                "VALUES (%s, %s, %s, 'running') RETURNING id",
                (self.tenant, started_at, full),
            ).fetchone()
            return int(row[0]) if row else 0

    def finish_run(
        self,
        run_id: int,
        finished_at: datetime,
        *,
        status: str,
        counts: Mapping[str, int],
        errors: Sequence[str],
    ) -> None:
        summary = (finished_at, status, Jsonb(dict(counts)), Jsonb(list(errors)))
        with self._transaction() as db:
            db.execute(
                "UPDATE run SET finished_at = %s, status = %s, counts = %s, errors = %s "
                "WHERE tenant_id = %s AND id = %s",
                (*summary, self.tenant, run_id),
            )
            db.execute(
                "DELETE FROM run WHERE tenant_id = %s AND id < ("
                "SELECT MIN(id) FROM (SELECT id FROM run WHERE tenant_id = %s "
                "ORDER BY id DESC LIMIT %s) AS kept)",
                (self.tenant, self.tenant, RUN_HISTORY),
            )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = self._rows(
            "SELECT id, started_at, finished_at, full_rescan, status, counts, errors FROM run "
            "WHERE tenant_id = %s ORDER BY id DESC LIMIT %s",
            (self.tenant, limit),
        )
        return [
            RunRecord(
                id=int(i),
                started_at=s,
                finished_at=f,
                full=bool(full),
                status=str(status),
                counts={str(k): int(v) for k, v in counts.items()},
                errors=tuple(str(e) for e in errors),
            )
            for i, s, f, full, status, counts, errors in rows
        ]

    # -- beyond the Protocol -----------------------------------------------------------------
    def clear(self) -> None:
        """Delete everything this tenant's state holds (`state migrate --replace`), in one
        transaction."""
        with self._transaction() as db:
            for table in TENANT_TABLES:
                db.execute(
                    sql.SQL("DELETE FROM {} WHERE tenant_id = %s").format(sql.Identifier(table)),
                    (self.tenant,),
                )
