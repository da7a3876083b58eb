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
