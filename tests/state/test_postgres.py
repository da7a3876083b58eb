"""What only the PostgreSQL backend does: many tenants in one database, errors as StateError,
and how the PostgreSQL tests behave without a server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from state.base import LedgerEntry, Snooze, StateError, StateLocked, TaskState, open_store
from state.postgres import PostgresStateStore
from state.postgres_schema import TENANT_TABLES

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def test_tenants_share_a_database_and_see_only_their_own_state(postgres_url: str) -> None:
    with (
        open_store(postgres_url, tenant="acme") as acme,
        open_store(postgres_url, tenant="globex") as globex,  # a writer each, at once
    ):
        acme.save_cursor({"deals": "a"})
        acme.upsert([LedgerEntry("d1", "g1", "t1", TaskState.OPEN)], NOW)
        acme.add_snoozes([Snooze("d2", "g1", "t0", NOW + timedelta(days=1))])
        acme.start_run(NOW, full=True)
        [intent] = globex.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
        globex.upsert([LedgerEntry("d1", "g2", "t1", TaskState.OPEN)], NOW)  # same CRM id
        assert globex.cursor() is None and globex.runs() == [] and globex.snoozes("d2") == []
        assert [(e.gate_id, e.task_id) for e in globex.entries("d1")] == [
            ("g1", None), ("g2", "t1"),
        ]  # fmt: skip
        assert acme.tracked_deals() == {"d1", "d2"} and acme.intents() == []
        acme.drop([intent.row])  # another tenant's row is out of reach
        assert globex.intents() == [intent]
        with pytest.raises(StateLocked, match="tenant acme"):
            open_store(postgres_url, tenant="acme")
        assert isinstance(globex, PostgresStateStore)
        globex.clear()
        assert acme.cursor() == {"deals": "a"} and len(acme.all_entries()) == 1


def test_every_state_table_keys_its_rows_by_tenant(postgres_url: str) -> None:
    open_store(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'tenant_id' "
            "AND is_nullable = 'NO'"
        ).fetchall()
    # the state's tables, and the lease (who works on the tenant, not what it remembers)
    assert sorted(r[0] for r in rows) == sorted((*TENANT_TABLES, "lease"))


def test_a_database_error_is_a_state_error(postgres_url: str) -> None:
    with open_store(postgres_url) as store, psycopg.connect(postgres_url) as conn:
        conn.execute("DROP TABLE meta")
        conn.commit()
        with pytest.raises(StateError, match='relation "meta" does not exist'):
            store.cursor()


def test_an_unreachable_server_is_a_state_error_with_the_password_masked() -> None:
    with pytest.raises(StateError, match=r"state postgresql://dealgate:\*\*\*@127\.0\.0\.1:1/x"):
        open_store("postgresql://dealgate:hunter2@127.0.0.1:1/x")


def _pytest_without_server(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DEALGATE_TEST_POSTGRES_URL"] = "postgresql://postgres@127.0.0.1:1/test"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/state/test_contract.py::test_forget_deal"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_without_a_server_the_postgresql_tests_are_skipped_with_one_line() -> None:
    run = _pytest_without_server(ci=False)
    assert run.returncode == 0, run.stdout
    lines = [line for line in run.stdout.splitlines() if "PostgreSQL tests skipped" in line]
    assert len(lines) == 1 and "no PostgreSQL server at postgresql://" in lines[0]
    assert "1 passed, 1 skipped" in run.stdout


def test_without_a_server_under_ci_the_postgresql_tests_fail() -> None:
    run = _pytest_without_server(ci=True)
    assert run.returncode == 1, run.stdout
    assert "CI needs one" in run.stdout and "1 passed, 1 error" in run.stdout


def test_a_new_writer_waits_for_the_lock_of_a_writer_that_is_ending(postgres_url: str) -> None:
    # A daemon restarted right after the previous one ended (or was killed) finds the lock
    # still held until the server has noticed; it waits for it instead of refusing to start.
    first = open_store(postgres_url)
    opened: list[object] = []
    second = threading.Thread(target=lambda: opened.append(open_store(postgres_url)))
    second.start()
    queued = False
    with psycopg.connect(postgres_url, autocommit=True) as watch:
        # The server has no event to wait on: ask it until the second writer is queued on
        # the lock (a bound far above what it takes, not a timing assumption of the test).
        for _ in range(6000):
            row = watch.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
            queued = bool(row and row[0])
            if queued or not second.is_alive():
                break
            time.sleep(0.01)
    first.close()
    second.join(60)
    assert queued, "the second writer never waited for the lock"
    assert len(opened) == 1 and isinstance(opened[0], PostgresStateStore)
    opened[0].close()
