"""The verdict on the deal record, against both sandbox CRMs over real HTTP: written once, then
only what changed; reading a deal back after writing it writes nothing; a field the org lacks is
skipped with one warning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gates import load_catalog
from mappings import load_mapping
from state.sqlite import SqliteStateStore
from sync.config import parse_settings
from sync.engine import Engine
from tests.sync.builders import Clock
from tests.sync.sandboxes import SandboxCRM, SeedDeal, start

DEALS = [
    SeedDeal("d0"),  # discovery, budget only estimated
    SeedDeal("d1", budget="confirmed"),  # discovery, nothing missing
    SeedDeal("d2", phase="decision"),  # decision stage, discovery budget missing: stage ahead
]
CATALOG = load_catalog()
GATES = {g.id: g for g in CATALOG.gates}
DEAL_UPDATE = {
    "salesforce": r"/composite/sobjects/?$",
    "hubspot": r"/crm/v3/objects/deals/batch/update$",
}
NAMES = {
    "salesforce": {
        "phase": "Dealgate_Phase__c",
        "score": "Dealgate_Evidence_Score__c",
        "missing": "Dealgate_Missing_Steps__c",
        "next": "Dealgate_Next_Step__c",
        "ahead": "Dealgate_Stage_Ahead__c",
        "at": "Dealgate_Verdict_At__c",
    },
    "hubspot": {
        "phase": "dealgate_phase",
        "score": "dealgate_evidence_score",
        "missing": "dealgate_missing_steps",
        "next": "dealgate_next_step",
        "ahead": "dealgate_stage_ahead",
        "at": "dealgate_verdict_at",
    },
}


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest) -> Iterator[SandboxCRM]:
    with start(request.param, DEALS) as running:
        yield running


class Run:
    def __init__(self, crm: SandboxCRM, tmp_path: Path, verdict: str, **tasks: Any) -> None:
        text = crm.config_text(tmp_path, **tasks) + f"verdict: {verdict}\n"
        self.settings = parse_settings(text, base_dir=tmp_path)
        self.clock = Clock(datetime.now(UTC))
        self.store = SqliteStateStore(self.settings.state_path)
        self.engine = Engine(
            self.settings, crm.connector(self.settings), self.store,
            mapping=load_mapping(crm.crm), catalog=CATALOG, clock=self.clock,
        )  # fmt: skip


@pytest.fixture
def run(crm: SandboxCRM, tmp_path: Path) -> Iterator[Run]:
    running = Run(crm, tmp_path, "{enabled: true}")
    yield running
    running.store.close()


def in_crm(crm: SandboxCRM, deal: str) -> dict[str, Any]:
    """The verdict fields of a deal as the CRM holds them, in one shape for both CRMs."""
    names = NAMES[crm.crm]
    deal_id = crm.ids[deal]  # type: ignore[attr-defined]
    store = crm.sandbox.store  # type: ignore[attr-defined]
    if crm.crm == "salesforce":
        row = store.get("Opportunity", deal_id)
        values = {key: row.get(name) for key, name in names.items()}
        for key in ("score", "missing"):
            if values[key] is not None:
                values[key] = int(values[key])
        values["next"] = values["next"] or None
        return values
    props = store.get("deals", deal_id)
    raw = {key: props.get(name) or None for key, name in names.items()}
    return {
        **raw,
        "score": int(raw["score"]) if raw["score"] else None,
        "missing": int(raw["missing"]) if raw["missing"] else None,
        "ahead": raw["ahead"] == "true",
    }


def deal_updates(crm: SandboxCRM) -> list[str]:
    """The bodies of the deal-update requests since the log was reset."""
    pattern = re.compile(DEAL_UPDATE[crm.crm])
    found = []
    for request in crm.app.writes():
        body = request.body.decode()
        if pattern.search(request.path) and (crm.crm == "hubspot" or '"Opportunity"' in body):
            found.append(body)
    return found


def test_the_first_cycle_writes_every_deal_and_the_next_ones_nothing(
    crm: SandboxCRM, run: Run
) -> None:
    first = run.engine.run_cycle()
    assert first.verdicts_written == 3 and first.verdicts_refused == 0
    assert len(deal_updates(crm)) == 1  # three deals, one batch
    d0, d1, d2 = (in_crm(crm, key) for key in ("d0", "d1", "d2"))
    budget = GATES["budget_confirmed"].title.get("en")
    assert (d0["phase"], d0["missing"], d0["next"], d0["ahead"]) == ("discovery", 1, budget, False)
    assert (d1["phase"], d1["missing"], d1["next"], d1["ahead"]) == ("discovery", 0, None, False)
    assert d1["score"] == 100 and 0 < d0["score"] < 100
    # a deal staged in decision whose discovery budget is missing: the stage is ahead, and the
    # skipped step comes first
    assert (d2["phase"], d2["ahead"], d2["next"]) == ("decision", True, budget)
    assert d2["missing"] > 1 and d2["score"] < d0["score"]
    assert all(v["at"] for v in (d0, d1, d2))

    crm.app.reset_log()
    echo = run.engine.run_cycle()  # reads the three deals again: the write moved their stamps
    assert echo.verdicts_written == 0 and deal_updates(crm) == []
    full = run.engine.run_cycle(full=True)
    assert full.full and full.verdicts_written == 0 and deal_updates(crm) == []
    assert in_crm(crm, "d0") == d0


def test_changed_evidence_rewrites_that_deal_only(crm: SandboxCRM, run: Run) -> None:
    run.engine.run_cycle()
    before = {key: in_crm(crm, key) for key in ("d0", "d1", "d2")}
    crm.set_budget("d0", "confirmed")
    run.clock.advance(minutes=5)
    crm.app.reset_log()
    report = run.engine.run_cycle()
    assert report.verdicts_written == 1
    assert [c.deal_id for c in report.verdict_changes] == [crm.owner_id("d0")]
    [body] = deal_updates(crm)
    assert crm.owner_id("d0") in body
    assert crm.owner_id("d1") not in body and crm.owner_id("d2") not in body
    d0 = in_crm(crm, "d0")
    assert (d0["missing"], d0["next"], d0["score"]) == (0, None, 100)
    assert d0["at"] != before["d0"]["at"]
    assert in_crm(crm, "d1") == before["d1"] and in_crm(crm, "d2") == before["d2"]
    crm.app.reset_log()
    assert run.engine.run_cycle().verdicts_written == 0 and deal_updates(crm) == []


def test_a_field_the_org_lacks_is_skipped_with_one_warning(crm: SandboxCRM, run: Run) -> None:
    name = NAMES[crm.crm]["next"]
    store = crm.sandbox.store  # type: ignore[attr-defined]
    if crm.crm == "salesforce":
        store.remove_field("Opportunity", name)
    else:
        store.delete_property("deals", name)
    report = run.engine.run_cycle()
    assert report.verdicts_written == 3 and report.verdicts_refused == 0
    warnings = [w for w in report.warnings if name in w]
    assert len(warnings) == 1 and "missing" in warnings[0]
    assert in_crm_without(crm, "d0", name)["phase"] == "discovery"


def in_crm_without(crm: SandboxCRM, deal: str, missing: str) -> dict[str, Any]:
    store = crm.sandbox.store  # type: ignore[attr-defined]
    deal_id = crm.ids[deal]  # type: ignore[attr-defined]
    names = {k: v for k, v in NAMES[crm.crm].items() if v != missing}
    if crm.crm == "salesforce":
        row = store.get("Opportunity", deal_id)
        return {key: row.get(name) for key, name in names.items()}
    props = store.get("deals", deal_id)
    return {key: props.get(name) for key, name in names.items()}


def test_a_dry_run_shows_the_field_changes_and_writes_nothing(
    crm: SandboxCRM, tmp_path: Path
) -> None:
    dry = Run(crm, tmp_path, "{enabled: true}", mode="dry_run")
    try:
        report = dry.engine.run_cycle()
    finally:
        dry.store.close()
    assert crm.app.writes() == []
    lines = [line for line in report.diff_lines() if line.startswith("~ verdict on")]
    assert len(lines) == 3
    d0 = next(line for line in lines if "Deal d0" in line)
    assert f"{NAMES[crm.crm]['phase']}: (empty) -> 'discovery'" in d0
    assert "3 deal verdict(s) to write" in report.summary_line()


def test_off_by_default_nothing_is_written_to_deals(crm: SandboxCRM, tmp_path: Path) -> None:
    off = Run(crm, tmp_path, "{}")
    try:
        report = off.engine.run_cycle()
    finally:
        off.store.close()
    assert report.tasks_created > 0  # the tasks are written as before
    assert deal_updates(crm) == [] and report.verdicts_written == 0
    assert in_crm(crm, "d0")["phase"] is None
