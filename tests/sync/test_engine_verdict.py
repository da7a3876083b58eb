"""The verdict writes of the engine over an in-memory CRM: out-of-scope deals, refusals, a crash
between the write and the state commit, batching, the chosen fields and the language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sync.config import VerdictSettings
from tests.sync.builders import World, decision_maker, discovery_done

PHASE, NEXT, AT = "Dealgate_Phase__c", "Dealgate_Next_Step__c", "Dealgate_Verdict_At__c"


def verdict_world(
    tmp_path: Path, fields: list[str] | None = None, language: str = "en", **tasks: Any
) -> World:
    world = World(tmp_path, **tasks)
    verdict = (
        VerdictSettings(enabled=True)
        if fields is None
        else VerdictSettings(
            enabled=True,
            fields=fields,  # type: ignore[arg-type]
        )
    )
    world.settings = world.settings.model_copy(update={"verdict": verdict})
    if language != "en":  # the top-level `language` (the next step is not a task text)
        world.settings = world.settings.model_copy(update={"language": language})
    world.engine = world.new_engine()
    return world


def written(world: World) -> list[str]:
    """Deal ids of every update sent, in order."""
    return [u.deal_id for call in world.crm.update_log for u in call]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return verdict_world(tmp_path)


def test_a_deal_that_leaves_the_scope_has_its_verdict_cleared_once(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.crm.put_deal(
        "006L", contacts=[decision_maker()], **discovery_done(StageName="Closed Lost")
    )
    world.engine.run_cycle()
    assert written(world) == ["006A"]  # a deal never in scope is never written
    world.crm.put_deal("006A", StageName="Closed Lost")
    report = world.engine.run_cycle()
    assert report.verdicts_written == 1
    fields = world.crm.deals["006A"].fields
    assert (fields[PHASE], fields[NEXT], fields["Dealgate_Stage_Ahead__c"]) == (None, None, False)
    world.clock.advance(hours=1)
    assert world.engine.run_cycle(full=True).verdicts_written == 0


def test_a_refused_deal_is_not_remembered_and_is_written_again(world: World) -> None:
    world.crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    world.crm.put_deal("006B", contacts=[decision_maker()], **discovery_done())
    world.crm.refused_deals.add("006B")
    report = world.engine.run_cycle()
    assert (report.verdicts_written, report.verdicts_refused) == (1, 1)
    [refused] = [c for c in report.verdict_changes if c.ok is False]
    assert refused.deal_id == "006B" and "FIELD_CUSTOM_VALIDATION_EXCEPTION" in refused.line()
    assert world.store.verdicts(["006A", "006B"]).keys() == {"006A"}
    world.crm.refused_deals.clear()
    again = world.engine.run_cycle(full=True)
    assert again.verdicts_written == 1 and written(world)[-1] == "006B"


def test_a_crash_before_the_state_commit_writes_the_same_values_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip

    def killed(*_: object) -> None:
        raise KeyboardInterrupt("killed between the write and the commit")

    monkeypatch.setattr(world.store, "save_verdicts", killed)
    with pytest.raises(KeyboardInterrupt):
        world.engine.run_cycle()
    first = dict(world.crm.deals["006B"].fields)
    monkeypatch.undo()
    world.restart()
    world.clock.advance(minutes=1)
    report = world.engine.run_cycle()
    assert report.verdicts_written == 1 and written(world) == ["006B", "006B"]
    again = world.crm.deals["006B"].fields
    assert {k: again[k] for k in first if k.startswith("Dealgate_") and k != AT} == {
        k: v for k, v in first.items() if k.startswith("Dealgate_") and k != AT
    }
    assert world.engine.run_cycle(full=True).verdicts_written == 0


def test_changed_deals_are_written_in_full_batches(tmp_path: Path) -> None:
    world = verdict_world(tmp_path, max_new_per_owner=0)
    for n in range(450):
        world.crm.put_deal(f"006{n:04d}", contacts=[decision_maker()], **discovery_done())
    world.engine.run_cycle()
    assert [len(call) for call in world.crm.update_log] == [200, 200, 50]
    for n in range(0, 450, 2):  # every other deal changes
        world.crm.put_deal(f"006{n:04d}", Budget_Status__c="estimated")
    world.crm.update_log.clear()
    report = world.engine.run_cycle()
    assert report.verdicts_written == 225
    assert [len(call) for call in world.crm.update_log] == [200, 25]


def test_only_the_chosen_fields_are_written_and_the_next_step_follows_the_language(
    tmp_path: Path,
) -> None:
    world = verdict_world(tmp_path, ["phase", "next_step"], language="ja")
    world.crm.put_deal("006B", contacts=[decision_maker()],
                       **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world.engine.run_cycle()
    [[update]] = world.crm.update_log
    assert dict(update.fields) == {
        PHASE: "discovery",
        NEXT: "予算を確保していること、および予算内容を確認",
    }
