"""Where the state lives: any file name, a read-only folder for dry runs, and a ledger that stops
growing with history."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from state.base import LedgerEntry, TaskState
from state.sqlite import SqliteStateStore
from sync.engine import LEDGER_KEEP_DAYS, ledger_cutoff

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _write_state(path: Path) -> None:
    with SqliteStateStore(path) as store:
        store.save_cursor({"deals": "x"})
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN, "u1")], NOW)


@pytest.mark.parametrize("name", ["prod#1.db", "what?.db", "with space%20.db"])
def test_a_dry_run_reads_a_state_file_whatever_its_name(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "hash"
    _write_state(folder / name)
    with SqliteStateStore(folder / name, read_only=True) as copy:
        assert copy.cursor() == {"deals": "x"}
        assert [e.task_id for e in copy.entries("d1")] == ["t1"]
    # no stray file beside it (SQLite's own -wal / -shm and dealgate's .lock share the name)
    assert [p.name for p in folder.iterdir() if not p.name.startswith(name)] == []


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[None]:
    """`folder` where nothing can be created, for root too (an immutable folder)."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (chattr)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def test_a_dry_run_works_on_a_read_only_state_folder(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    _write_state(folder / "dealgate.db")
    with _read_only_folder(folder):
        with pytest.raises(OSError):
            (folder / "probe").touch()
        with SqliteStateStore(folder / "dealgate.db", read_only=True) as copy:
            assert copy.cursor() == {"deals": "x"}
            copy.save_cursor({"deals": "y"})  # a dry run changes only its copy
            assert copy.cursor() == {"deals": "y"}
    with SqliteStateStore(folder / "dealgate.db", read_only=True) as again:
        assert again.cursor() == {"deals": "x"}


def test_completed_and_rep_closed_rows_are_pruned_after_their_age(tmp_path: Path) -> None:
    old = NOW - timedelta(days=LEDGER_KEEP_DAYS + 1)
    recent = NOW - timedelta(days=LEDGER_KEEP_DAYS - 1)
    with SqliteStateStore(tmp_path / "s.db") as store:
        store.upsert([LedgerEntry("d1", "done-old", "t1", TaskState.COMPLETED)], old)
        store.upsert([LedgerEntry("d1", "rep-old", "t2", TaskState.CLOSED_BY_REP)], old)
        store.upsert([LedgerEntry("d1", "open-old", "t3", TaskState.OPEN)], old)
        store.upsert([LedgerEntry("d1", "done-new", "t4", TaskState.COMPLETED)], recent)
        store.add_intents([LedgerEntry("d2", "intent-old", None, TaskState.INTENT)], old)
        assert store.prune_ledger(ledger_cutoff(NOW, snooze_days=14)) == 2
        kept = sorted(e.gate_id for e in store.all_entries())
    assert kept == ["done-new", "intent-old", "open-old"]


def test_a_long_snooze_keeps_closed_rows_longer() -> None:
    assert ledger_cutoff(NOW, 14) == NOW - timedelta(days=LEDGER_KEEP_DAYS)
    assert ledger_cutoff(NOW, 365) == NOW - timedelta(days=395)


def test_a_cap_of_zero_writes_no_task_and_does_not_force_full_reads(tmp_path: Path) -> None:
    from tests.sync.builders import World, decision_maker, discovery_done

    world = World(tmp_path, max_new_per_owner=0)
    world.crm.put_deal("006X", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    first = world.engine.run_cycle()
    assert first.full and first.tasks_created == 0 and first.tasks_deferred > 0
    second = world.engine.run_cycle()
    assert not second.full  # an incremental cycle, not a rescan for tasks that never come
    assert second.tasks_created == 0
    assert world.store.catch_up_at() is None  # no catch-up full cycle is ever scheduled


def test_a_cap_of_zero_schedules_no_catch_up() -> None:
    from sync.cadence import catch_up_at

    window = {"u1": [NOW - timedelta(hours=1)]}
    assert catch_up_at(window, ["u1", "u2"], 0, NOW) is None
    assert catch_up_at(window, ["u1"], 1, NOW) == NOW - timedelta(hours=1) + timedelta(days=1)


def test_a_full_cycle_prunes_old_closed_ledger_rows(tmp_path: Path) -> None:
    from tests.sync.builders import World

    world = World(tmp_path)
    old = world.clock() - timedelta(days=LEDGER_KEEP_DAYS + 1)
    world.store.upsert([LedgerEntry("006Z", "budget_confirmed", "00TZ", TaskState.COMPLETED)], old)
    world.engine.run_cycle(full=True)
    assert world.store.entries("006Z") == []
