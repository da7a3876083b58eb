"""The PostgreSQL state's connections: the writer's session with its advisory lock, the
connection pool, transactions, and errors turned into `StateError` (the plumbing under
`state.postgres.PostgresStateStore`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from state.base import DEFAULT_TENANT, StateError, StateLocked
from state.leases import Lease, check_holder
from state.location import mask_url
from state.postgres_schema import copy_to_temporary_tables, migrate

_LOCK_CLASS = 0x6447  # advisory lock class of dealgate's writer locks ("dG")
LOCK_WAIT_SECONDS = 10.0  # how long a new writer waits for the lock of a session just ended


class PostgresSession:
    """The connections of one tenant's state in a PostgreSQL database. `read_only` takes no
    lock and never writes a table. `pool` shares one connection pool among several stores (the
    caller closes it); without it the store opens and closes a pool of its own.

    `fence` (with `pool`, under `dealgate serve`): the worker holds the tenant by a lease instead
    of the advisory lock, and every transaction first checks that it still does
    (`state.leases.check_holder`), raising `Fenced` otherwise; the worker has migrated the
    schema already."""

    def __init__(
        self,
        url: str,
        *,
        tenant: str = DEFAULT_TENANT,
        read_only: bool = False,
        pool: ConnectionPool | None = None,
        connect_timeout: float = 10.0,
        fence: Lease | None = None,
    ) -> None:
        self.url = url
        self.fence = fence
        self.tenant = tenant
        self.read_only = read_only
        self.name = mask_url(url)
        self._own_pool = pool is None and not read_only
        self._pool: ConnectionPool | None = None
        self._session: psycopg.Connection[Any] | None = None  # writer lock, or read-only copy
        if fence is not None:
            if pool is None or read_only:
                raise ValueError("a fenced store needs a shared pool and writes")
            self._pool = pool
            return
        try:
            self._session = self._connect(url, connect_timeout)
            if read_only:
                copy_to_temporary_tables(self._session, self.tenant, self.name)
            else:
                migrate(self._session, self.name)
                self._lock(self._session)
                self._pool = pool or self._open_pool(url, connect_timeout)
        except psycopg.Error as exc:
            self.close()
            raise StateError(f"state {self.name}: {_reason(exc)}") from None
        except BaseException:
            self.close()
            raise

    # -- set-up ------------------------------------------------------------------------------
    @staticmethod
    def _configure(conn: psycopg.Connection[Any]) -> None:
        conn.execute("SET TIME ZONE 'UTC'")

    @classmethod
    def _connect(cls, url: str, timeout: float) -> psycopg.Connection[Any]:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=max(1, int(timeout)),
            application_name=f"dealgate pid {os.getpid()}",
        )
        cls._configure(conn)
        return conn

    @classmethod
    def _open_pool(cls, url: str, timeout: float) -> ConnectionPool:
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, "application_name": f"dealgate pid {os.getpid()}"},
            configure=cls._configure,
            timeout=timeout,
            open=False,
            name="dealgate-state",
        )
        pool.open(wait=True, timeout=timeout)
        return pool

    def _lock(self, conn: psycopg.Connection[Any]) -> None:
        """Take the tenant's writer lock, waiting up to LOCK_WAIT_SECONDS: the server releases
        the lock of a session whose process has just ended (killed, or closed without its
        own unlock reaching the server) only once it notices, a moment later."""
        key = "SELECT current_schema() || '/' || %s"
        try:
            conn.execute(f"SET lock_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
            conn.execute(
                f"SELECT pg_advisory_lock(%s, hashtext(({key})))", (_LOCK_CLASS, self.tenant)
            )
            return
        except psycopg.errors.LockNotAvailable:
            pass
        finally:
            conn.execute("SET lock_timeout = 0")
        holder = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = %s "
            f"AND l.objid = hashtext(({key}))::oid AND l.objsubid = 2 AND l.granted",
            (_LOCK_CLASS, self.tenant),
        ).fetchone()
        who = str(holder[0]).removeprefix("dealgate ") if holder and holder[0] else "unknown"
        raise StateLocked(
            f"state {self.name} (tenant {self.tenant}) is in use by another dealgate process "
            f"({who}); only one daemon may run on one state"
        )

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            if self._pool is not None:
                with self._pool.connection() as conn:
                    yield conn
            elif self._session is not None:
                yield self._session
            else:
                raise StateError(f"state {self.name} is closed")
        except psycopg.Error as exc:  # a broken ledger rule too: the daemon stops on either
            raise StateError(f"state {self.name}: {_reason(exc)}") from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._connection() as conn, conn.transaction():
            if self.fence is not None:
                check_holder(conn, self.fence)
            yield conn

    def close(self) -> None:
        """Close the connections and release the writer lock."""
        if self._pool is not None and self._own_pool:
            with contextlib.suppress(psycopg.Error):
                self._pool.close()
        self._pool = None
        if self._session is not None:
            with contextlib.suppress(psycopg.Error):
                if not self.read_only:  # answered before close: the next writer need not wait
                    self._session.execute("SELECT pg_advisory_unlock_all()")
                self._session.close()  # ends the session: the lock and the copy go with it
            self._session = None

    def __enter__(self) -> PostgresSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0) if row else 0

    def _rows(self, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return conn.execute(query, params).fetchall()


def _reason(exc: psycopg.Error) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
