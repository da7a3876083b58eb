"""`backend`: every state-store contract test runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

import state.postgres_schema
import state.sqlite
from state.base import DEFAULT_TENANT, StateError, StateStore, open_store


@dataclass
class Backend:
    """One state location of one backend, and what the tests need to look at it from outside."""

    name: str
    location: Path | str

    @property
    def migrations(self) -> tuple[str, ...]:
        if self.name == "sqlite":
            return state.sqlite.MIGRATIONS
        return state.postgres_schema.MIGRATIONS

    @property
    def integrity_error(self) -> type[Exception]:
        import sqlite3

        return sqlite3.IntegrityError if self.name == "sqlite" else StateError

    @property
    def url(self) -> str:
        """The location as the configuration's `state:` writes it."""
        if isinstance(self.location, Path):
            return f"sqlite:///{self.location}"
        return self.location

    def open(self, *, read_only: bool = False, tenant: str = DEFAULT_TENANT) -> StateStore:
        return open_store(self.location, read_only=read_only, tenant=tenant)

    def sql(self, query: str) -> list[tuple[object, ...]]:
        """Run `query` on the stored state, outside any store (committed)."""
        if isinstance(self.location, Path):
            import sqlite3

            db = sqlite3.connect(self.location)
            try:
                rows = db.execute(query).fetchall()
                db.commit()
                return rows
            finally:
                db.close()
        with psycopg.connect(self.location, autocommit=True) as conn:
            cur = conn.execute(query)
            return list(cur.fetchall()) if cur.description else []

    def stored(self) -> bool:
        """Whether anything was written where the state lives."""
        if isinstance(self.location, Path):
            return self.location.exists()
        return self.sql("SELECT to_regclass('schema_version') IS NOT NULL") == [(True,)]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", tmp_path / "state.db")
    else:
        yield Backend("postgresql", request.getfixturevalue("postgres_url"))
