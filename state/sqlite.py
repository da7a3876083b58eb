"""The state store on one SQLite file: WAL mode, a versioned schema, one writer.

The schema is versioned: `schema_version` records every migration applied, and `MIGRATIONS` is
the ordered list of scripts; a store opens by applying the ones it lacks, each in a transaction,
and refuses a file from a newer dealgate.

One writer per state: a daemon holds an exclusive lock on `<state file>.lock` for its lifetime
(the operating system drops it when the process dies, even by SIGKILL), and a second daemon on the
same state is refused with `StateLocked`. A read-only store (dry runs) takes no lock and never
writes the file: it works on an in-memory copy that is thrown away.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from state.base import (
    RunRecord,
    StateError,
    StateLocked,
)
from state.meta import MetaValues
from state.sqlite_ledger import SqliteLedger, iso, parse_iso
from state.sqlite_verdicts import SqliteVerdicts

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ledger (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        deal_id TEXT NOT NULL,
        gate_id TEXT NOT NULL,
        task_id TEXT,
        state TEXT NOT NULL,
        owner_id TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX ledger_deal ON ledger (deal_id);
    CREATE UNIQUE INDEX ledger_task ON ledger (task_id) WHERE task_id IS NOT NULL;
    CREATE UNIQUE INDEX ledger_intent ON ledger (deal_id, gate_id) WHERE state = 'intent';
    CREATE TABLE snooze (
        deal_id TEXT NOT NULL,
        gate_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        until TEXT NOT NULL,
        PRIMARY KEY (deal_id, gate_id, task_id)
    );
    CREATE TABLE run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        full INTEGER NOT NULL,
        status TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT '{}',
        errors TEXT NOT NULL DEFAULT '[]'
    );
    """,
    # 2: the per-owner creations of the rolling 24-hour cap
    """
    CREATE TABLE created (owner_id TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX created_at ON created (at);
    """,
    # 3: the verdict last written on each deal
    """
    CREATE TABLE verdict (
        deal_id TEXT PRIMARY KEY,
        vals TEXT NOT NULL,
        written_at TEXT NOT NULL
    );
    """,
)


def _backup(uri: str, target: sqlite3.Connection) -> None:
    """Copy the database at a `file:` URI into `target`."""
    source = sqlite3.connect(uri, uri=True)
    try:
        source.backup(target)
    finally:
        source.close()


class SqliteStateStore(SqliteLedger, SqliteVerdicts, MetaValues):
    """`StateStore` on one SQLite file. `read_only` takes no lock and never writes the file."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock_file: IO[str] | None = None
        try:
            if read_only:
                self._db = self._open_copy(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._lock_file = self._lock(path)
                self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:  # OSError: the folder or lock file
            self._release()
            raise StateError(f"state {path}: {exc}") from None

    # -- set-up ------------------------------------------------------------------------------
    @staticmethod
    def _lock(path: Path) -> IO[str]:
        lock_path = path.with_name(path.name + ".lock")
        handle = lock_path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise StateLocked(
                f"state {path} is in use by another dealgate process (pid {holder}); "
                "only one daemon may run on one state"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        return handle

    @staticmethod
    def _open_copy(path: Path) -> sqlite3.Connection:
        """An in-memory copy of the state (empty when there is none): dry runs change only it.

        The file is opened read-only through an escaped `file:` URI (a `#` or `?` in the path
        is part of the name, not of the URI). In a folder dealgate may not write to, SQLite
        cannot open a WAL database read-only (it needs its `-shm` file): the file and its WAL
        are then copied to a temporary folder and read from there."""
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        if not path.exists():
            return memory
        try:
            _backup(f"{path.resolve().as_uri()}?mode=ro", memory)
        except sqlite3.OperationalError:
            with tempfile.TemporaryDirectory(prefix="dealgate-state-") as folder:
                copy = Path(folder) / "state.db"
                shutil.copyfile(path, copy)
                wal = path.with_name(path.name + "-wal")
                if wal.exists():
                    shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
                _backup(copy.as_uri(), memory)
        return memory

    def _migrate(self) -> None:
        db = self._db
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0] or 0)
        if current > len(MIGRATIONS):
            raise StateError(
                f"state {self.path} has schema version {current}; this dealgate knows up to "
                f"{len(MIGRATIONS)} (upgrade dealgate)"
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self._transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _release(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def close(self) -> None:
        """Close the database and release the writer lock."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._release()

    def __enter__(self) -> SqliteStateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    # -- meta --------------------------------------------------------------------------------
    def _get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- the rolling per-owner cap -----------------------------------------------------------
    def tasks_created_since(self, since: datetime) -> dict[str, list[datetime]]:
        rows = self._db.execute(
            "SELECT owner_id, at FROM created WHERE at > ? ORDER BY at", (iso(since),)
        )
        found: dict[str, list[datetime]] = {}
        for owner_id, at in rows:
            found.setdefault(str(owner_id), []).append(datetime.fromisoformat(str(at)))
        return found

    def record_tasks_created(self, owner_ids: Sequence[str], at: datetime) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO created (owner_id, at) VALUES (?, ?)",
                [(owner_id, iso(at)) for owner_id in owner_ids],
            )
            db.execute("DELETE FROM created WHERE at < ?", (iso(at - timedelta(days=1)),))

    def forget_deal(self, deal_id: str) -> None:
        """Drop everything known about a deal (it was deleted in the CRM)."""
        with self._transaction() as db:
            db.execute("DELETE FROM ledger WHERE deal_id = ?", (deal_id,))
            db.execute("DELETE FROM snooze WHERE deal_id = ?", (deal_id,))
            db.execute("DELETE FROM verdict WHERE deal_id = ?", (deal_id,))

    # -- run history -------------------------------------------------------------------------
    def start_run(self, started_at: datetime, *, full: bool) -> int:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO run (started_at, full, status) VALUES (?, ?, 'running')",
                (iso(started_at), int(full)),
            )
            return int(cur.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        finished_at: datetime,
        *,
        status: str,
        counts: Mapping[str, int],
        errors: Sequence[str],
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE run SET finished_at = ?, status = ?, counts = ?, errors = ? WHERE id = ?",
                (
                    iso(finished_at),
                    status,
                    json.dumps(dict(counts), sort_keys=True),
                    json.dumps(list(errors), ensure_ascii=False),
                    run_id,
                ),
            )
            # the history is for people: the last thousand cycles are plenty
            db.execute("DELETE FROM run WHERE id <= ?", (run_id - 1000,))

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = self._db.execute(
            "SELECT id, started_at, finished_at, full, status, counts, errors FROM run "
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            RunRecord(
                id=int(i),
                started_at=datetime.fromisoformat(str(s)),
                finished_at=parse_iso(f),
                full=bool(full),
                status=str(status),
                counts={str(k): int(v) for k, v in json.loads(counts).items()},
                errors=tuple(json.loads(errors)),
            )
            for i, s, f, full, status, counts, errors in rows
        ]
