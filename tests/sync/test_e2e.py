"""The engine against both sandbox CRMs over real HTTP, with the real connectors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gates import load_catalog
from mappings import load_mapping
from state.sqlite import SqliteStateStore
from sync.engine import Engine
from tests.sync.builders import Clock
from tests.sync.sandboxes import SandboxCRM, SeedDeal, open_tasks, start

DEALS = [
    SeedDeal("d0"),  # budget only estimated: one task for sato
    SeedDeal("d1", budget="confirmed"),  # nothing missing
    SeedDeal("d2", owner="kim"),  # one task for kim
]
CATALOG = load_catalog()


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest) -> Iterator[SandboxCRM]:
    with start(request.param, DEALS) as running:
        yield running


class Run:
    """An engine over a sandbox, restartable on the same state file."""

    def __init__(self, crm: SandboxCRM, tmp_path: Path, **tasks: Any) -> None:
        self.crm = crm
        self.settings = crm.settings(tmp_path, **tasks)
        self.clock = Clock(datetime.now(UTC))
        self.store = SqliteStateStore(self.settings.state_path)
        self.engine = Engine(
            self.settings, crm.connector(self.settings), self.store,
            mapping=load_mapping(crm.crm), catalog=CATALOG, clock=self.clock,
        )  # fmt: skip

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def run(crm: SandboxCRM, tmp_path: Path) -> Iterator[Run]:
    running = Run(crm, tmp_path)
    yield running
    running.close()


def test_first_run_creates_the_tasks_and_the_second_none(crm: SandboxCRM, run: Run) -> None:
    first = run.engine.run_cycle()
    assert first.tasks_created == 2 and first.tasks_refused == 0 and first.errors == 0
    assert open_tasks(crm) == [("d0", "budget_confirmed", "sato"),
                               ("d2", "budget_confirmed", "kim")]  # fmt: skip
    crm.app.reset_log()
    second = run.engine.run_cycle()
    assert second.tasks_created == 0 and crm.app.writes() == []
    third = run.engine.run_cycle(full=True)
    assert third.tasks_created == 0 and crm.app.writes() == []
    assert len(crm.tasks()) == 2


def test_fixing_the_evidence_completes_the_task(crm: SandboxCRM, run: Run) -> None:
    run.engine.run_cycle()
    crm.set_budget("d0", "confirmed")
    report = run.engine.run_cycle()
    assert report.tasks_completed == 1
    assert open_tasks(crm) == [("d2", "budget_confirmed", "kim")]
    assert len(crm.tasks()) == 2  # completed, not deleted


def test_a_rep_completed_task_stays_completed_for_the_snooze_window(
    crm: SandboxCRM, run: Run
) -> None:
    run.engine.run_cycle()
    [task] = [t for t in crm.tasks() if t.deal == "d0"]
    crm.complete_task(task.id)
    assert run.engine.run_cycle().tasks_created == 0
    run.clock.advance(days=13)
    assert run.engine.run_cycle(full=True).tasks_created == 0
    assert open_tasks(crm) == [("d2", "budget_confirmed", "kim")]
    run.clock.advance(days=1, hours=1)  # the 14-day snooze is over
    report = run.engine.run_cycle()
    assert report.full and report.tasks_created == 1
    assert open_tasks(crm) == [("d0", "budget_confirmed", "sato"),
                               ("d2", "budget_confirmed", "kim")]  # fmt: skip


@pytest.mark.parametrize("later", [timedelta(0), timedelta(milliseconds=999)],
                         ids=["same-millisecond", "same-second"])  # fmt: skip
def test_a_rep_completing_a_task_right_after_dealgate_wrote_it_starts_the_snooze_at_once(
    crm: SandboxCRM, run: Run, later: timedelta
) -> None:
    # The CRM clock stands still: the rep's completion carries the very modification time of
    # dealgate's own write (or one in the same second). The next incremental cycle must still
    # see it: the snooze starts then, not at the next full rescan, and ends 14 days later.
    written_at = run.clock.now.replace(microsecond=0)
    crm.set_time(written_at)
    run.engine.run_cycle()
    [task] = [t for t in crm.tasks() if t.deal == "d0"]
    crm.set_time(written_at + later)
    crm.complete_task(task.id)
    seen = run.engine.run_cycle()
    assert not seen.full
    run.clock.advance(days=13)
    assert run.engine.run_cycle(full=True).tasks_created == 0
    run.clock.advance(days=1, hours=1)
    assert run.engine.run_cycle().tasks_created == 1
    assert open_tasks(crm) == [("d0", "budget_confirmed", "sato"),
                               ("d2", "budget_confirmed", "kim")]  # fmt: skip


@pytest.mark.parametrize("crm_name", ["salesforce", "hubspot"])
def test_the_per_owner_cap_defers_and_the_next_day_catches_up(
    crm_name: str, tmp_path: Path
) -> None:
    deals = [SeedDeal(f"d{n}") for n in range(5)]
    with start(crm_name, deals) as crm:
        run = Run(crm, tmp_path, max_new_per_owner=2)
        try:
            first = run.engine.run_cycle()
            assert (first.tasks_created, first.tasks_deferred) == (2, 3)
            assert [d for d, _, _ in open_tasks(crm)] == ["d0", "d1"]  # in the order read
            run.clock.advance(hours=1)  # the cap counts over a rolling 24 hours
            assert run.engine.run_cycle().tasks_created == 0
            run.clock.advance(hours=23)
            second = run.engine.run_cycle()
            assert (second.tasks_created, second.tasks_deferred) == (2, 1)
            run.clock.advance(hours=24)
            third = run.engine.run_cycle()
            assert (third.tasks_created, third.tasks_deferred) == (1, 0)
            assert [d for d, _, _ in open_tasks(crm)] == [f"d{n}" for n in range(5)]
            assert run.engine.run_cycle().tasks_created == 0
        finally:
            run.close()


@pytest.mark.parametrize("crm_name", ["salesforce", "hubspot"])
def test_an_inactive_owners_tasks_go_to_the_fallback(crm_name: str, tmp_path: Path) -> None:
    with start(crm_name, [SeedDeal("d0", owner="becker")]) as crm:
        run = Run(crm, tmp_path, fallback_owner=crm.owner_id("kim"))
        try:
            assert run.engine.run_cycle().tasks_created == 1
            assert open_tasks(crm) == [("d0", "budget_confirmed", "kim")]
        finally:
            run.close()


@pytest.mark.parametrize("crm_name", ["salesforce", "hubspot"])
def test_an_inactive_owner_without_fallback_is_a_finding(crm_name: str, tmp_path: Path) -> None:
    with start(crm_name, [SeedDeal("d0", owner="becker")]) as crm:
        run = Run(crm, tmp_path)
        try:
            report = run.engine.run_cycle()
            assert report.tasks_created == 0 and crm.app.writes() == []
            assert [f.code.value for _, f in report.findings] == ["no_owner"]
        finally:
            run.close()


def test_dry_run_writes_nothing(crm: SandboxCRM, tmp_path: Path) -> None:
    settings = crm.settings(tmp_path)
    store = SqliteStateStore(settings.state_path, read_only=True)
    engine = Engine(settings, crm.connector(settings), store,
                    mapping=load_mapping(crm.crm), catalog=CATALOG)  # fmt: skip
    report = engine.run_cycle(dry_run=True)
    store.close()
    assert crm.app.writes() == []
    assert crm.tasks() == []
    assert sorted((a.op, a.gate_id, a.deal_name) for a in report.actions) == [
        ("create", "budget_confirmed", "Deal d0"),
        ("create", "budget_confirmed", "Deal d2"),
    ]
    assert not settings.state_path.exists()


def test_hubspot_search_lag_causes_no_duplicate(tmp_path: Path) -> None:
    with start("hubspot", DEALS) as crm:
        crm.sandbox.store.search_lag_seconds = 3600  # type: ignore[attr-defined]
        run = Run(crm, tmp_path)
        try:
            assert run.engine.run_cycle().tasks_created == 2
            assert run.engine.run_cycle().tasks_created == 0
            assert run.engine.run_cycle(full=True).tasks_created == 0
            assert len(crm.tasks()) == 2
        finally:
            run.close()
