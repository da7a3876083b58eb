"""Engine rules of docs/design.md section 5 that span several cycles (in-memory CRM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.builders import World, decision_maker, discovery_done


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_task_dealgate_completed_starts_no_snooze_when_the_evidence_goes_again(
    world: World,
) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [first] = world.crm.open_tasks("006B")
    world.crm.put_deal("006B", Budget_Status__c="confirmed")
    assert world.engine.run_cycle().tasks_completed == 1  # dealgate closed it, not a rep
    world.clock.advance(days=1)
    world.crm.put_deal("006B", Budget_Status__c="estimated")  # the evidence was withdrawn
    report = world.engine.run_cycle()
    assert report.tasks_created == 1
    [second] = world.crm.open_tasks("006B")
    assert second.id != first.id and second.gate_id == "budget_confirmed"


def test_the_per_owner_cap_counts_over_a_rolling_day_across_cycles_and_restarts(
    tmp_path: Path,
) -> None:
    world = World(tmp_path, max_new_per_owner=2)
    for n in range(5):  # five deals of one owner, each missing its budget
        world.crm.put_deal(f"006{n}", contacts=[decision_maker()],
                           **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    created = world.engine.run_cycle().tasks_created
    for minute in range(1, 30):  # a 60 s poll, and a restart half-way
        world.clock.advance(minutes=1)
        if minute == 15:
            world.restart(max_new_per_owner=2)
        created += world.engine.run_cycle().tasks_created
    assert created == 2 and len(world.crm.open_tasks()) == 2
    world.clock.advance(hours=23, minutes=31)  # a day after the first two
    assert world.engine.run_cycle().tasks_created == 2
    assert len(world.crm.open_tasks()) == 4
