"""What only the SQLite backend does: one file in WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from state.sqlite import SqliteStateStore


def test_state_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStateStore(path).close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)
