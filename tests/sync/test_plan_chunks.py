"""Deals are planned a chunk at a time (sync.plan_chunks): what reps see must not depend on where
a chunk ends, nor on a deal coming twice in one read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from state.base import TaskState
from sync.plan_chunks import CHUNK_SIZE
from tests.sync.builders import World, decision_maker, discovery_done
from tests.sync.fake import FakeStream

DEALS = CHUNK_SIZE * 2 + 50  # three chunks, the last one partly filled


def _deals(world: World, count: int) -> list[str]:
    ids = [f"006{n:04d}" for n in range(count)]
    for deal_id in ids:
        world.crm.put_deal(deal_id, contacts=[decision_maker()],
                           **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    return ids


def test_rep_closings_are_seen_on_every_deal_whatever_its_chunk(tmp_path: Path) -> None:
    world = World(tmp_path, max_new_per_owner=1000, snooze_days=14)
    ids = _deals(world, DEALS)
    assert world.engine.run_cycle().tasks_created == DEALS
    for task in world.crm.open_tasks():
        world.crm.complete_by_rep(task.id)
    world.clock.advance(hours=1)
    report = world.engine.run_cycle(full=True)
    assert report.tasks_created == 0 and world.crm.open_tasks() == []
    states = {e.deal_id: e.state for e in world.store.all_entries()}
    assert states == dict.fromkeys(ids, TaskState.CLOSED_BY_REP)
    assert all(len(world.store.snoozes(deal_id)) == 1 for deal_id in ids)
    world.clock.advance(days=15)  # the snoozes are over: each deal gets its task again, once
    assert world.engine.run_cycle(full=True).tasks_created == DEALS
    assert sorted(t.deal_id for t in world.crm.open_tasks()) == ids


def test_a_deal_read_twice_in_one_read_gets_one_task_per_gate(tmp_path: Path) -> None:
    world = World(tmp_path, max_new_per_owner=1000)
    ids = _deals(world, CHUNK_SIZE + 10)
    read_all = world.crm.read_all

    def twice(spec: Any) -> Any:  # the read returns deal 5 again among the later ones
        stream = read_all(spec)
        deals = list(stream)
        deals.insert(CHUNK_SIZE - 3, deals[5])
        deals.insert(CHUNK_SIZE + 4, deals[5])
        return FakeStream(deals, stream.cursor, list(stream.deleted_ids))

    world.crm.read_all = twice  # type: ignore[method-assign]
    report = world.engine.run_cycle()
    assert report.deals_read == len(ids) + 2
    assert report.tasks_created == len(ids)
    assert sorted(t.deal_id for t in world.crm.open_tasks()) == ids
    again = world.engine.run_cycle(full=True)
    assert again.tasks_created == 0 and again.tasks_completed == 0
