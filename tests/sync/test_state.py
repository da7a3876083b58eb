"""The SQLite state store: survives restarts, migrates, refuses a second writer."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sync.sqlite_state import MIGRATIONS, SqliteStateStore
from sync.state import LedgerEntry, Snooze, StateError, StateLocked, TaskState

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SqliteStateStore(path) as store:
        store.save_cursor({"deals": "2026-11-27T09:00:00Z|006x"})
        store.save_full_rescan(NOW)
        store.save_catch_up_at(NOW + timedelta(hours=3))
        store.save_method_fingerprint("abc")
        store.record_tasks_created(["u1", "u1"], NOW)
        [intent] = store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT, "u1")], NOW)
        store.upsert([LedgerEntry("d1", "g2", "t2", TaskState.OPEN, "u1")], NOW)
        store.add_snoozes([Snooze("d2", "g1", "t9", NOW + timedelta(days=14))])
        run_id = store.start_run(NOW, full=True)
        store.finish_run(run_id, NOW, status="ok", counts={"tasks_created": 3}, errors=["x"])
    with SqliteStateStore(path) as store:
        assert store.cursor() == {"deals": "2026-11-27T09:00:00Z|006x"}
        assert store.last_full_rescan() == NOW
        assert store.catch_up_at() == NOW + timedelta(hours=3)
        assert store.method_fingerprint() == "abc"
        assert store.tasks_created_since(NOW - timedelta(hours=1)) == {"u1": [NOW, NOW]}
        assert [(e.gate_id, e.task_id, e.state) for e in store.entries("d1")] == [
            ("g1", None, TaskState.INTENT),
            ("g2", "t2", TaskState.OPEN),
        ]
        assert store.intents()[0].row == intent.row
        assert store.snoozes("d2") == [Snooze("d2", "g1", "t9", NOW + timedelta(days=14))]
        assert store.tracked_deals() == {"d1", "d2"}
        [run] = store.runs()
        assert (run.status, run.counts, run.errors, run.full) == (
            "ok", {"tasks_created": 3}, ("x",), True,
        )  # fmt: skip


def test_intent_becomes_open_then_completed(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.db") as store:
        [intent] = store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN, row=intent.row)], NOW)
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.COMPLETED)], NOW)  # by task id
        assert [(e.task_id, e.state) for e in store.entries("d1")] == [("t1", TaskState.COMPLETED)]
        assert store.intents() == [] and store.tracked_deals() == set()


def test_one_intent_per_deal_and_gate(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.db") as store:
        store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        with pytest.raises(sqlite3.IntegrityError):
            store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        assert len(store.intents()) == 1


def test_forget_deal(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.db") as store:
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN)], NOW)
        store.add_snoozes([Snooze("d1", "g1", "t0", NOW)])
        store.forget_deal("d1")
        assert store.entries("d1") == [] and store.snoozes("d1") == []


def test_second_writer_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with (
        SqliteStateStore(path),
        pytest.raises(StateLocked, match="in use by another dealgate process"),
    ):
        SqliteStateStore(path)
    SqliteStateStore(path).close()  # free again once the first one closed


def test_lock_is_freed_when_the_holder_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib; from sync.sqlite_state import SqliteStateStore; "
         f"s = SqliteStateStore(pathlib.Path({str(path)!r})); print('ok', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StateLocked, match=f"pid {holder.pid}"):
            SqliteStateStore(path)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    SqliteStateStore(path).close()


def test_read_only_store_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SqliteStateStore(path, read_only=True) as store:  # no file yet: an empty state
        store.save_cursor({"v": "1"})
        assert store.cursor() == {"v": "1"}  # the cycle may change its copy
    assert not path.exists()
    with SqliteStateStore(path) as writer:
        writer.save_cursor({"v": "2"})
        with SqliteStateStore(path, read_only=True) as reader:  # no lock needed beside a writer
            assert reader.cursor() == {"v": "2"}
            reader.save_cursor({"v": "3"})
        assert writer.cursor() == {"v": "2"}


def test_schema_is_versioned_and_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStateStore(path).close()
    with SqliteStateStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
    rows = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(v,) for v in range(1, len(MIGRATIONS) + 1)]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStateStore(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (99)")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="schema version 99"):
        SqliteStateStore(path)


def test_ended_snoozes_are_pruned_and_running_ones_kept(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.db") as store:
        day = timedelta(days=1)
        store.add_snoozes(
            [Snooze("d1", "g1", "t1", NOW - day), Snooze("d2", "g1", "t2", NOW + day)]
        )
        assert store.prune_snoozes(NOW) == 1
        assert store.snoozes("d1") == []
        assert [s.task_id for s in store.snoozes("d2")] == ["t2"]
        assert store.tracked_deals() == {"d2"}
