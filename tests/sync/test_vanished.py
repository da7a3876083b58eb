"""Deals a full read no longer returns: tasks are completed only for deals the CRM confirms
deleted, and a read that lost most tracked deals stops the cycle instead of acting."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.vanished import ImplausibleRead
from tests.sync.builders import World, decision_maker, discovery_done


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = World(tmp_path)
    for deal_id in ("006A", "006B", "006C", "006D"):
        world.crm.put_deal(deal_id, contacts=[decision_maker()],
                           **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    assert world.engine.run_cycle().tasks_created == 4
    return world


def open_deals(world: World) -> list[str]:
    return sorted(t.deal_id for t in world.crm.tasks.values() if t.is_open and not t.deleted)


def test_a_deal_missing_from_a_full_read_but_still_in_the_crm_keeps_its_task(
    world: World,
) -> None:
    world.crm.hidden = {"006B"}
    report = world.engine.run_cycle(full=True)
    assert report.tasks_completed == 0 and report.tasks_created == 0
    assert open_deals(world) == ["006A", "006B", "006C", "006D"]
    assert "006B" in world.store.tracked_deals()
    assert world.crm.confirmations == [["006B"]]  # asked about the vanished deal only
    assert any("not confirmed deleted" in w for w in report.warnings)
    world.crm.hidden = set()
    assert world.engine.run_cycle(full=True).tasks_created == 0  # back: nothing duplicated


def test_a_deal_the_crm_confirms_deleted_has_its_tasks_completed(world: World) -> None:
    world.crm.deals["006B"].deleted = True  # in the recycle bin, not in the cycle's delete log
    report = world.engine.run_cycle(full=True)
    assert report.tasks_completed == 1
    assert open_deals(world) == ["006A", "006C", "006D"]
    assert "006B" not in world.store.tracked_deals()


@pytest.mark.parametrize(
    "hidden", [{"006A", "006B", "006C", "006D"}, {"006A", "006B", "006C"}], ids=["none", "1-of-4"]
)
def test_a_full_read_that_lost_most_tracked_deals_stops_the_cycle(
    world: World, hidden: set[str]
) -> None:
    world.crm.hidden = hidden
    world.crm.put_deal("006E", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    writes = len(world.crm.write_log)
    with pytest.raises(ImplausibleRead, match="the full read returned"):
        world.engine.run_cycle(full=True)
    assert len(world.crm.write_log) == writes  # nothing completed, nothing created
    assert open_deals(world) == ["006A", "006B", "006C", "006D"]
    assert world.store.tracked_deals() == {"006A", "006B", "006C", "006D"}


def test_an_empty_read_is_accepted_when_every_tracked_deal_is_confirmed_deleted(
    world: World,
) -> None:
    for deal in world.crm.deals.values():
        deal.deleted = True
    report = world.engine.run_cycle(full=True)
    assert report.tasks_completed == 4 and world.store.tracked_deals() == set()
