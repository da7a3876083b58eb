"""Changes on dealgate's side take effect at once: a changed mapping or gate set forces a full
cycle, a gate turned off has its open tasks completed, `run --full` forces one (in-memory CRM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates import load_catalog
from mappings import load_mapping
from state.sqlite import SqliteStateStore
from sync import daemon
from tests.sync.builders import World, decision_maker, discovery_done


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _switch(world: World, **catalog: object) -> None:
    """A restart with another gate set (what editing `gates.overrides` does)."""
    world.catalog = load_catalog(**catalog)  # type: ignore[arg-type]
    world.engine = world.new_engine()


def test_a_changed_gate_set_makes_the_next_cycle_full(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    assert world.engine.run_cycle().full
    world.clock.advance(minutes=1)
    assert not world.engine.run_cycle().full  # nothing changed: incremental
    _switch(world, overrides={"key_person_in_touch": {"params": {"within_days": 30}}})
    world.clock.advance(minutes=1)
    changed = world.engine.run_cycle()
    assert changed.full and changed.deals_read == 1
    world.clock.advance(minutes=1)
    assert not world.engine.run_cycle().full  # the new set is now the known one


def test_a_changed_mapping_makes_the_next_cycle_full(world: World, tmp_path: Path) -> None:
    # a stage the bundled mapping does not know: its deal is skipped until the mapping names it
    renewal = discovery_done(StageName="Renewal", Budget_Status__c="estimated")
    world.crm.put_deal("006R", contacts=[decision_maker()], **renewal)
    first = world.engine.run_cycle()
    assert first.unmapped_stages == 1 and first.tasks_created == 0
    mapping_file = tmp_path / "renewals.yaml"
    mapping_file.write_text(
        "crm: salesforce\nextends: builtin\npipelines:\n  '*':\n    stages: {Renewal: discovery}\n"
    )
    world.sf_mapping = load_mapping("salesforce", str(mapping_file), tmp_path)
    world.engine = world.new_engine()
    world.clock.advance(minutes=1)
    second = world.engine.run_cycle()
    assert second.full and second.unmapped_stages == 0
    assert world.open_gates("006R") == ["budget_confirmed"]


def test_a_gate_turned_off_has_its_open_tasks_completed(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    assert world.open_gates("006B") == ["budget_confirmed"]
    _switch(world, overrides={"budget_confirmed": {"enabled": False}})
    world.clock.advance(minutes=1)
    report = world.engine.run_cycle()
    assert report.full and report.tasks_completed == 1 and report.tasks_created == 0
    assert world.open_gates("006B") == []
    [action] = report.planned("complete")
    assert action.detail == "gate_off"
    world.clock.advance(minutes=1)
    assert world.engine.run_cycle().tasks_created == 0  # and no new one


def test_a_gate_off_for_the_deals_pipeline_has_its_tasks_completed(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    # Salesforce deals have no pipeline: the default variant is the deal's
    _switch(world, overrides={"budget_confirmed": {"enabled": False}},
            pipeline_overrides={"renewals": {"budget_confirmed": {"enabled": True}}})  # fmt: skip
    world.clock.advance(minutes=1)
    assert world.engine.run_cycle().tasks_completed == 1
    assert world.open_gates("006B") == []


def test_a_gate_removed_from_the_catalog_has_its_tasks_completed(world: World) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [task] = world.crm.open_tasks("006B")
    task.gate_id = "an_old_custom_gate"  # a marker of a gate no file defines any more
    world.crm.put_deal("006B", Budget_Status__c="confirmed")
    world.clock.advance(minutes=1)
    report = world.engine.run_cycle()
    assert [a.detail for a in report.planned("complete")] == ["gate_off"]
    assert world.open_gates("006B") == []


def test_run_full_forces_a_full_first_cycle(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.engine.run_cycle()
    world.store.close()
    assert daemon.run(world.settings, once=True, full=True, connector=world.crm,
                      clock=world.clock) == 0  # fmt: skip
    assert daemon.run(world.settings, once=True, connector=world.crm, clock=world.clock) == 0
    with SqliteStateStore(world.settings.state_path) as store:
        assert [r.full for r in store.runs()] == [False, True, True]
