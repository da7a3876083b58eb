"""The engine over an in-memory CRM: what reps would see in their task lists, cycle by cycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.errors import ConnectionFailed, ServerError
from state.base import LedgerEntry, TaskState
from tests.sync.builders import DISCOVERY_GATES, World, decision_maker, discovery_done


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_first_run_creates_the_missing_steps_and_the_second_run_nothing(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.put_deal("006C", StageName="Prospecting", OwnerId="005B")

    first = world.engine.run_cycle()
    assert first.full and first.tasks_created == 1 + len(DISCOVERY_GATES)
    assert world.open_gates("006A") == []
    assert world.open_gates("006B") == ["budget_confirmed"]
    assert world.open_gates("006C") == sorted(DISCOVERY_GATES)
    [task] = world.crm.open_tasks("006B")
    assert (task.owner_id, task.priority, task.subject) == (
        "005A",
        "normal",
        "[dealgate] Confirm that the budget is secured, its amount and its budget period",
    )  # fmt: skip
    assert "Deal 006B" in task.body

    writes_before = len(world.crm.write_log)
    second = world.engine.run_cycle()
    assert not second.full
    assert second.tasks_created == 0 and second.actions == []
    assert len(world.crm.write_log) == writes_before
    world.restart()
    third = world.engine.run_cycle(full=True)
    assert third.tasks_created == 0 and len(world.crm.write_log) == writes_before


def test_fixing_the_evidence_completes_the_task(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    world.crm.put_deal("006B", Budget_Status__c="confirmed")
    report = world.engine.run_cycle()
    assert report.tasks_completed == 1 and not report.full
    assert world.crm.tasks[task.id].is_open is False
    assert [(e.task_id, e.state) for e in world.store.entries("006B")] == [
        (task.id, TaskState.COMPLETED)
    ]


def test_a_task_the_rep_completed_stays_completed_for_the_snooze_window(tmp_path: Path) -> None:
    world = World(tmp_path, snooze_days=14)
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    world.crm.complete_by_rep(task.id)
    world.clock.advance(hours=1)
    assert world.engine.run_cycle().tasks_created == 0
    world.clock.advance(days=13)
    assert world.engine.run_cycle(full=True).tasks_created == 0
    world.clock.advance(days=1, hours=1)  # past the 14 days: a full rescan is due by then
    report = world.engine.run_cycle()
    assert report.full and report.tasks_created == 1
    assert world.open_gates("006B") == ["budget_confirmed"]


def test_a_task_the_rep_deleted_is_not_recreated_at_once(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    world.crm.delete_task(task.id)
    assert world.engine.run_cycle().tasks_created == 0
    assert world.open_gates("006B") == []


def test_the_per_owner_cap_defers_and_the_next_day_catches_up(tmp_path: Path) -> None:
    world = World(tmp_path, max_new_per_owner=3)
    estimated = discovery_done(Budget_Status__c="estimated")
    world.crm.put_deal("006X", contacts=[decision_maker()], **estimated)
    # 006Y is in define without a confirmed budget: a skipped step, high priority
    world.crm.put_deal("006Y", contacts=[decision_maker()],
                       **{**estimated, "StageName": "Value Proposition"})  # fmt: skip
    first = world.engine.run_cycle()
    assert (first.tasks_created, first.tasks_deferred) == (3, 5)
    created = [(a.deal_id, a.gate_id, a.detail) for a in first.planned("create")]
    assert created == [
        ("006Y", "budget_confirmed", "high"),  # skipped phase first
        ("006X", "budget_confirmed", "normal"),  # then phase order
        ("006Y", "technical_fit_confirmed", "normal"),  # then catalog order
    ]
    world.clock.advance(hours=23, minutes=59)  # the cap counts over a rolling 24 hours
    early = world.engine.run_cycle()
    assert not early.full and early.tasks_created == 0
    world.clock.advance(minutes=1)
    second = world.engine.run_cycle()
    assert second.full and (second.tasks_created, second.tasks_deferred) == (3, 2)
    world.clock.advance(hours=24)
    third = world.engine.run_cycle()
    assert (third.tasks_created, third.tasks_deferred) == (2, 0)
    assert len(world.open_gates("006Y")) == 7
    assert not world.engine.run_cycle().full


def test_inactive_owner_goes_to_the_fallback(tmp_path: Path) -> None:
    world = World(tmp_path, fallback_owner="005Q")
    world.crm.deactivate("005B")
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated", OwnerId="005B"))  # fmt: skip
    assert world.engine.run_cycle().tasks_created == 1
    assert [t.owner_id for t in world.crm.open_tasks("006B")] == ["005Q"]


def test_no_owner_and_no_fallback_is_a_finding_not_a_task(world: World) -> None:
    world.crm.deactivate("005B")
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated", OwnerId="005B"))  # fmt: skip
    report = world.engine.run_cycle()
    assert report.tasks_created == 0 and world.crm.open_tasks() == []
    assert [(deal, f.code.value) for deal, f in report.findings] == [("006B", "no_owner")]


def test_a_refused_record_is_counted_and_the_cycle_succeeds(world: World) -> None:
    world.crm.refused_owners.add("005B")  # the CRM says inactive though the owner list did not
    world.crm.put_deal("006A", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated", OwnerId="005B"))  # fmt: skip
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    report = world.engine.run_cycle()
    assert (report.tasks_created, report.tasks_refused) == (1, 1)
    refused = [a for a in report.actions if a.ok is False]
    assert [(a.deal_id, a.error) for a in refused] == [
        ("006A", "INACTIVE_OWNER_OR_USER: owner is inactive")
    ]
    assert world.store.intents() == []


def test_dry_run_writes_nothing_and_shows_the_diff(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    report = world.engine.run_cycle(dry_run=True)
    assert world.crm.write_log == []
    assert world.store.cursor() is None and world.store.runs() == []
    assert world.store.tracked_deals() == set()
    assert [(a.op, a.deal_id, a.gate_id, a.owner_id) for a in report.actions] == [
        ("create", "006B", "budget_confirmed", "005A")
    ]
    assert report.diff_lines() == [
        "+ create budget_confirmed on Deal 006B (006B) for Aiko [normal]: "
        "[dealgate] Confirm that the budget is secured, its amount and its budget period"
    ]
    assert world.engine.run_cycle().tasks_created == 1  # a real run afterwards still writes


def test_dry_run_shows_completions_too(tmp_path: Path) -> None:
    world = World(tmp_path, mode="dry_run")
    world.crm.put_deal("006B", contacts=[decision_maker()], **discovery_done())
    world.crm.add_marker_task("006B", "budget_confirmed")
    report = world.engine.run_cycle()
    assert report.dry_run and [(a.op, a.detail) for a in report.actions] == [("complete", "passed")]
    assert world.crm.write_log == []


@pytest.mark.parametrize(
    "leave", ["closed_lost", "unmapped_stage", "deleted"], ids=lambda s: s.replace("_", "-")
)
def test_a_deal_leaving_the_scope_has_its_tasks_completed(world: World, leave: str) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    if leave == "closed_lost":
        world.crm.put_deal("006B", StageName="Closed Lost")
    elif leave == "unmapped_stage":
        world.crm.put_deal("006B", StageName="Parked")
    else:
        world.crm.delete_deal("006B")
    report = world.engine.run_cycle()
    assert report.tasks_completed == 1 and report.tasks_created == 0
    assert world.crm.tasks[task.id].is_open is False
    if leave == "deleted":
        assert world.store.tracked_deals() == set()
    if leave == "unmapped_stage":
        assert report.unmapped_stages == 1 and "'Parked'" in report.warnings[0]


def test_a_deal_gone_from_a_full_rescan_is_treated_as_deleted(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    del world.crm.deals["006B"]  # purged without a trace in the delete log
    world.crm.put_deal("006Z", contacts=[decision_maker()], **discovery_done())
    assert world.engine.run_cycle(full=True).tasks_completed == 1
    assert world.crm.tasks[task.id].is_open is False
    assert world.store.tracked_deals() == set()


def test_bad_data_skips_one_deal_only(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.put_deal("006B", **discovery_done())
    world.crm.corrupt.add("006B")
    report = world.engine.run_cycle()
    assert report.errors == 1 and "006B" in report.error_messages[0]
    assert report.tasks_created == 1 and world.store.cursor() is not None


def test_missing_fields_are_reported_and_their_gates_write_nothing(world: World) -> None:
    world.crm.missing = {"Budget_Status__c"}
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    report = world.engine.run_cycle()
    assert any("Budget_Status__c" in line for line in report.missing_fields)
    assert report.tasks_created == 0


def test_a_failed_read_leaves_the_cursor_for_the_next_cycle(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.read_faults.append(ServerError("boom", status=503))
    with pytest.raises(ServerError):
        world.engine.run_cycle()
    assert world.store.cursor() is None
    assert world.store.runs()[0].status == "failed"
    report = world.engine.run_cycle()
    assert report.full and report.tasks_created == 1


def test_a_lost_write_response_creates_no_duplicate(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.lose_next_response = True  # the CRM creates the task, the answer never arrives
    with pytest.raises(ConnectionFailed):
        world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    assert [(e.task_id, e.state) for e in world.store.entries("006B")] == [
        (task.id, TaskState.OPEN)
    ]
    report = world.engine.run_cycle()
    assert report.tasks_created == 0 and len(world.crm.open_tasks("006B")) == 1


def test_intents_left_by_a_crash_are_reconciled_before_writing(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    # the process died mid-write after the CRM saved 006A's task but not 006B's
    world.store.add_intents(
        [LedgerEntry(d, "budget_confirmed", None, TaskState.INTENT, "005A")
         for d in ("006A", "006B")],
        world.clock(),
    )  # fmt: skip
    landed = world.crm.add_marker_task("006A", "budget_confirmed")
    world.crm.lagging.add(landed)  # only the consistent read sees it
    world.restart()
    report = world.engine.run_cycle()
    assert report.tasks_created == 1  # 006B's only
    assert [t.id for t in world.crm.open_tasks("006A")] == [landed]
    assert len(world.crm.open_tasks("006B")) == 1
    assert world.store.intents() == []


def test_stop_request_ends_the_cycle_without_moving_the_cursor(world: World) -> None:
    for n in range(5):
        world.crm.put_deal(f"006{n}", contacts=[decision_maker()],
                           **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.request_stop()
    report = world.engine.run_cycle()
    assert report.interrupted and report.deals_read == 1
    assert world.store.cursor() is None and world.store.runs()[0].status == "interrupted"
    assert world.crm.write_log == []


def test_nothing_changed_costs_one_read(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.engine.run_cycle()
    report = world.engine.run_cycle()
    # one read of the changed deals: stages, owners and fields are kept from the full cycle
    assert (report.full, report.deals_read, report.api_calls) == (False, 0, 1)
    rescan = world.engine.run_cycle(full=True)
    assert rescan.api_calls == 4  # a full cycle reads stages, owners and fields afresh


def test_duplicates_found_in_the_crm_get_no_third(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.crm.add_marker_task("006B", "budget_confirmed")
    world.crm.add_marker_task("006B", "budget_confirmed")
    assert world.engine.run_cycle().tasks_created == 0
    assert len(world.crm.open_tasks("006B")) == 2
    world.crm.put_deal("006B", Budget_Status__c="confirmed")
    assert world.engine.run_cycle().tasks_completed == 2


def test_an_owner_deactivated_between_full_cycles_is_seen_at_the_next_full_cycle(
    tmp_path: Path,
) -> None:
    world = World(tmp_path, fallback_owner="005Q")
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.engine.run_cycle()  # full: owners read, 005B active
    world.crm.deactivate("005A")
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    refused = world.engine.run_cycle()  # incremental, with the owners of the full cycle
    assert (refused.full, refused.tasks_refused, refused.tasks_created) == (False, 1, 0)
    retried = world.engine.run_cycle(full=True)  # owners read again: the fallback takes it
    assert retried.tasks_created == 1
    assert [t.owner_id for t in world.crm.open_tasks("006B")] == ["005Q"]
