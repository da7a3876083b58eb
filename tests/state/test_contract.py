"""The state-store contract, on SQLite and on PostgreSQL alike: survives restarts, migrates,
refuses a second writer, keeps a dry run's changes to itself."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from state.base import LedgerEntry, Snooze, StateError, StateLocked, StoredVerdict, TaskState
from tests.state.conftest import Backend

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_state_survives_a_restart(backend: Backend) -> None:
    with backend.open() as store:
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
    with backend.open() as store:
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
        assert (run.started_at, run.finished_at) == (NOW, NOW)


def test_intent_becomes_open_then_completed(backend: Backend) -> None:
    with backend.open() as store:
        [intent] = store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN, row=intent.row)], NOW)
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.COMPLETED)], NOW)  # by task id
        assert [(e.task_id, e.state) for e in store.entries("d1")] == [("t1", TaskState.COMPLETED)]
        assert store.intents() == [] and store.tracked_deals() == set()


def test_one_intent_per_deal_and_gate(backend: Backend) -> None:
    with backend.open() as store:
        store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        with pytest.raises(backend.integrity_error):
            store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        assert len(store.intents()) == 1


def test_a_failed_batch_of_intents_stores_none_of_them(backend: Backend) -> None:
    with backend.open() as store:
        store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        batch = [LedgerEntry("d2", "g1", None, TaskState.INTENT)] * 2
        with pytest.raises(backend.integrity_error):
            store.add_intents(batch, NOW)
        assert [e.deal_id for e in store.intents()] == ["d1"]


def test_dropped_rows_are_gone(backend: Backend) -> None:
    with backend.open() as store:
        kept, gone = store.add_intents(
            [LedgerEntry("d1", "g1", None, TaskState.INTENT),
             LedgerEntry("d1", "g2", None, TaskState.INTENT)], NOW,
        )  # fmt: skip
        store.drop([gone.row])
        assert store.all_entries() == [kept]


def test_forget_deal(backend: Backend) -> None:
    with backend.open() as store:
        store.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN)], NOW)
        store.add_snoozes([Snooze("d1", "g1", "t0", NOW)])
        store.forget_deal("d1")
        assert store.entries("d1") == [] and store.snoozes("d1") == []


def test_second_writer_is_refused_with_a_clear_error(backend: Backend) -> None:
    with (
        backend.open(),
        pytest.raises(StateLocked, match="in use by another dealgate process"),
    ):
        backend.open()
    backend.open().close()  # free again once the first one closed


def test_lock_is_freed_when_the_holder_is_killed(backend: Backend) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from state.base import open_store; "
         f"s = open_store({backend.url!r}); print('ok', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StateLocked, match=f"pid {holder.pid}"):
            backend.open()
    finally:
        holder.kill()
        holder.wait(timeout=10)
    backend.open().close()


def test_read_only_store_writes_nothing(backend: Backend) -> None:
    with backend.open(read_only=True) as store:  # nothing stored yet: an empty state
        store.save_cursor({"v": "1"})
        assert store.cursor() == {"v": "1"}  # the cycle may change its copy
    assert not backend.stored()
    with backend.open() as writer:
        writer.save_cursor({"v": "2"})
        writer.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        with backend.open(read_only=True) as reader:  # no lock needed beside a writer
            assert reader.cursor() == {"v": "2"}
            reader.save_cursor({"v": "3"})
            [new] = reader.add_intents([LedgerEntry("d2", "g1", None, TaskState.INTENT)], NOW)
            reader.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN, row=1)], NOW)
            assert [(e.deal_id, e.row) for e in reader.intents()] == [("d2", new.row)]
            writer.save_cursor({"v": "4"})  # the writer is never kept waiting by a dry run
        assert writer.cursor() == {"v": "4"}
        assert [e.deal_id for e in writer.intents()] == ["d1"]


def test_schema_is_versioned_and_migrations_run_once(backend: Backend) -> None:
    backend.open().close()
    with backend.open() as store:
        assert store.schema_version == len(backend.migrations)
    rows = backend.sql("SELECT version FROM schema_version ORDER BY version")
    assert rows == [(v,) for v in range(1, len(backend.migrations) + 1)]


def test_newer_schema_is_refused(backend: Backend) -> None:
    backend.open().close()
    backend.sql("INSERT INTO schema_version VALUES (99)")
    with pytest.raises(StateError, match="schema version 99"):
        backend.open()
    with pytest.raises(StateError, match="schema version 99"):
        backend.open(read_only=True)


def test_ended_snoozes_are_pruned_and_running_ones_kept(backend: Backend) -> None:
    with backend.open() as store:
        day = timedelta(days=1)
        store.add_snoozes(
            [Snooze("d1", "g1", "t1", NOW - day), Snooze("d2", "g1", "t2", NOW + day)]
        )
        store.add_snoozes([Snooze("d2", "g1", "t2", NOW + day)])  # the same snooze: kept once
        assert store.prune_snoozes(NOW) == 1
        assert store.snoozes("d1") == []
        assert [s.task_id for s in store.snoozes("d2")] == ["t2"]
        assert store.tracked_deals() == {"d2"}


def test_run_history_lists_the_newest_first(backend: Backend) -> None:
    with backend.open() as store:
        first = store.start_run(NOW, full=True)
        store.finish_run(first, NOW, status="failed", counts={}, errors=["quota"])
        second = store.start_run(NOW + timedelta(minutes=1), full=False)
        [latest, earlier] = store.runs()
        assert (latest.id, latest.status, latest.finished_at, latest.full) == (
            second, "running", None, False,
        )  # fmt: skip
        assert (earlier.id, earlier.errors) == (first, ("quota",))
        assert [r.id for r in store.runs(limit=1)] == [second]


def test_old_completed_and_rep_closed_rows_are_pruned_and_active_ones_kept(
    backend: Backend,
) -> None:
    old, recent = NOW - timedelta(days=91), NOW - timedelta(days=89)
    with backend.open() as store:
        store.upsert([LedgerEntry("d1", "done-old", "t1", TaskState.COMPLETED)], old)
        store.upsert([LedgerEntry("d1", "rep-old", "t2", TaskState.CLOSED_BY_REP)], old)
        store.upsert([LedgerEntry("d1", "open-old", "t3", TaskState.OPEN)], old)
        store.upsert([LedgerEntry("d1", "done-new", "t4", TaskState.COMPLETED)], recent)
        store.add_intents([LedgerEntry("d2", "intent-old", None, TaskState.INTENT)], old)
        assert store.prune_ledger(NOW - timedelta(days=90)) == 2
    with backend.open() as store:
        kept = sorted(e.gate_id for e in store.all_entries())
    assert kept == ["done-new", "intent-old", "open-old"]


def test_a_read_only_store_prunes_only_its_copy(backend: Backend) -> None:
    old = NOW - timedelta(days=91)
    with backend.open() as store:
        store.upsert([LedgerEntry("d1", "done-old", "t1", TaskState.COMPLETED)], old)
    with backend.open(read_only=True) as copy:
        assert copy.prune_ledger(NOW - timedelta(days=90)) == 1
        assert copy.all_entries() == []
    with backend.open() as store:
        assert [e.gate_id for e in store.all_entries()] == ["done-old"]


def test_the_last_written_verdict_is_kept_per_deal(backend: Backend) -> None:
    first = {
        "phase": "discovery",
        "evidence_score": 40,
        "next_step": "予算を確認",
        "stage_ahead": False,
    }
    with backend.open() as store:
        store.save_verdicts([StoredVerdict("d1", first, NOW), StoredVerdict("d2", {}, NOW)])
        later = {**first, "evidence_score": None, "stage_ahead": True}
        store.save_verdicts([StoredVerdict("d1", later, NOW + timedelta(hours=1))])
    with backend.open() as store:
        found = store.verdicts(["d1", "d3", "d1"])
        assert found == {"d1": StoredVerdict("d1", later, NOW + timedelta(hours=1))}
        store.forget_deal("d1")
        assert store.verdicts(["d1", "d2"]) == {"d2": StoredVerdict("d2", {}, NOW)}
        assert [v.deal_id for v in store.all_verdicts()] == ["d2"]
    with backend.open(read_only=True) as copy:  # a dry run changes its copy only
        copy.save_verdicts([StoredVerdict("d9", first, NOW)])
    with backend.open() as store:
        assert store.verdicts(["d9"]) == {}


def test_many_deals_are_looked_up_at_once(backend: Backend) -> None:
    with backend.open() as store:
        store.save_verdicts([StoredVerdict(f"d{n}", {"n": n}, NOW) for n in range(1200)])
        found = store.verdicts([f"d{n}" for n in range(0, 1300, 2)])
        assert len(found) == 600 and found["d1198"].values == {"n": 1198}


def test_ledger_and_snoozes_of_many_deals_are_looked_up_at_once(backend: Backend) -> None:
    later = NOW + timedelta(days=14)
    with backend.open() as store:
        store.upsert(
            [LedgerEntry(f"d{n}", "g1", f"t{n}", TaskState.OPEN, "u1") for n in range(1200)], NOW
        )
        store.upsert([LedgerEntry("d7", "g2", "t7b", TaskState.COMPLETED, "u1")], NOW)
        store.add_snoozes([Snooze(f"d{n}", "g3", f"s{n}", later) for n in range(0, 1200, 3)])
        wanted = [f"d{n}" for n in range(0, 1300, 2)]  # 650 deals, 50 of them unknown
        entries = store.entries_of(wanted)
        snoozes = store.snoozes_of(wanted)
        assert len(entries) == 600 and "d1200" not in entries and "d1" not in entries
        assert entries["d1198"] == store.entries("d1198")
        assert len(snoozes) == 200 and snoozes["d1194"] == [Snooze("d1194", "g3", "s1194", later)]
        [(_, both)] = store.entries_of(["d7", "d7"]).items()  # a repeated id counts once
        assert [(e.task_id, e.state) for e in both] == [
            ("t7", TaskState.OPEN),
            ("t7b", TaskState.COMPLETED),
        ]  # in row order, as `entries` gives them
        assert store.entries_of([]) == {} and store.snoozes_of([]) == {}


def test_a_chunk_of_plans_is_recorded_whole_or_not_at_all(backend: Backend) -> None:
    snooze = Snooze("d2", "g1", "t9", NOW + timedelta(days=14))
    with backend.open() as store:
        store.record([LedgerEntry("d1", "g1", "t1", TaskState.OPEN, "u1")], [snooze], NOW)
        assert [e.task_id for e in store.entries("d1")] == ["t1"]
        assert store.snoozes("d2") == [snooze]
        broken = [
            LedgerEntry("d3", "g1", "t3", TaskState.OPEN, "u1"),
            LedgerEntry("d3", "g2", None, TaskState.OPEN, "u1"),  # neither row nor task id
        ]
        with pytest.raises(ValueError, match="row or a task id"):
            store.record(broken, [Snooze("d3", "g1", "t8", NOW)], NOW)
    with backend.open() as store:
        assert store.entries("d3") == [] and store.snoozes("d3") == []
        assert store.tracked_deals() == {"d1", "d2"}
