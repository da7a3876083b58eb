"""`dealgate state migrate`: a single-org SQLite state copied to PostgreSQL, whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from state.base import LedgerEntry, Snooze, StateStore, StoredVerdict, TaskState, open_store
from state.sqlite import SqliteStateStore

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
runner = CliRunner()


def _fill(path: Path) -> None:
    with SqliteStateStore(path) as store:
        store.save_cursor({"deals": "2026-11-27T09:00:00Z|006x", "tasks": "2026-11-27T08:59:00Z"})
        store.save_full_rescan(NOW - timedelta(hours=3))
        store.save_catch_up_at(NOW + timedelta(hours=1))
        store.save_method_fingerprint("method-1")
        store.record_tasks_created(["u1", "u1", "u2"], NOW - timedelta(hours=2))
        [open_, completed, closed, _] = store.add_intents(
            [LedgerEntry(f"d{n}", "budget_confirmed", None, TaskState.INTENT, "u1")
             for n in range(4)], NOW - timedelta(hours=2),
        )  # fmt: skip
        store.upsert([LedgerEntry("d0", "budget_confirmed", "t0", TaskState.OPEN, "u1",
                                  row=open_.row)], NOW)  # fmt: skip
        store.upsert([LedgerEntry("d1", "budget_confirmed", "t1", TaskState.COMPLETED, "u1",
                                  row=completed.row)], NOW)  # fmt: skip
        store.upsert([LedgerEntry("d2", "budget_confirmed", "t2", TaskState.CLOSED_BY_REP, "u1",
                                  row=closed.row)], NOW)  # fmt: skip
        store.add_snoozes([Snooze("d2", "budget_confirmed", "t2", NOW + timedelta(days=14))])
        store.save_verdicts([StoredVerdict("d0", {"phase": "define", "next_step": None}, NOW)])
        done = store.start_run(NOW - timedelta(hours=3), full=True)
        store.finish_run(done, NOW, status="ok", counts={"tasks_created": 4}, errors=[])
        failed = store.start_run(NOW, full=False)
        store.finish_run(failed, NOW, status="failed", counts={}, errors=["HubSpot said 503"])


def _picture(store: StateStore) -> dict[str, object]:
    """Everything a store holds, without its own row and run ids."""
    return {
        "cursor": store.cursor(),
        "rescan": store.last_full_rescan(),
        "catch_up": store.catch_up_at(),
        "method": store.method_fingerprint(),
        "created": store.tasks_created_since(NOW - timedelta(days=1)),
        "ledger": [
            (e.deal_id, e.gate_id, e.task_id, e.state, e.owner_id, e.updated_at)
            for e in store.all_entries()
        ],
        "intents": [(e.deal_id, e.gate_id) for e in store.intents()],
        "snoozes": [s for d in sorted(store.tracked_deals()) for s in store.snoozes(d)],
        "tracked": store.tracked_deals(),
        "verdicts": store.all_verdicts(),
        "runs": [
            (r.started_at, r.finished_at, r.full, r.status, dict(r.counts), r.errors)
            for r in store.runs()
        ],
    }


def test_a_sqlite_state_moves_to_postgresql_whole(tmp_path: Path, postgres_url: str) -> None:
    path = tmp_path / "old.db"
    _fill(path)
    with SqliteStateStore(path, read_only=True) as old:
        expected = _picture(old)
    result = runner.invoke(
        app, ["state", "migrate", "--from", f"sqlite:///{path}", "--to", postgres_url]
    )
    assert result.exit_code == 0, result.output
    assert "copied 4 ledger entries, 1 snoozes and 2 runs" in result.output
    with open_store(postgres_url) as new:
        assert _picture(new) == expected
    assert expected["intents"] == [("d3", "budget_confirmed")]  # a crash's intent moves along


def test_a_target_holding_a_state_is_refused_unless_replaced(
    tmp_path: Path, postgres_url: str
) -> None:
    path = tmp_path / "old.db"
    _fill(path)
    with open_store(postgres_url) as target:
        target.upsert([LedgerEntry("other", "g1", "t-other", TaskState.OPEN)], NOW)
    args = ["state", "migrate", "--from", f"sqlite:///{path}", "--to", postgres_url]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "the target already holds a state; pass --replace" in refused.output
    with open_store(postgres_url) as target:
        assert [e.deal_id for e in target.all_entries()] == ["other"]
    assert runner.invoke(app, [*args, "--replace"]).exit_code == 0
    with SqliteStateStore(path, read_only=True) as old, open_store(postgres_url) as new:
        assert _picture(new) == _picture(old)


def test_a_source_in_use_by_a_daemon_is_refused(tmp_path: Path, postgres_url: str) -> None:
    path = tmp_path / "old.db"
    _fill(path)
    with SqliteStateStore(path):  # the daemon still runs on it
        result = runner.invoke(
            app, ["state", "migrate", "--from", f"sqlite:///{path}", "--to", postgres_url]
        )
    assert result.exit_code == 2
    assert "in use by another dealgate process" in result.output
    with open_store(postgres_url) as target:
        assert target.all_entries() == [] and target.cursor() is None
