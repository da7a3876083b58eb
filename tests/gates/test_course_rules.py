"""The method as the course teaches it: no skipped step for the work of the deal's own stage,
qualification first, delivery ending with the invoice, and the 確度 rank."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gates import evaluate_deal, load_catalog, resolve_phase
from gates.rank import confidence_rank
from gates.snapshot import ApprovalStatus, BudgetStatus, DealSnapshot, Phase, Qualification, Role
from mappings import load_mapping
from tests.gates.builders import ALL_MAPPED, NOW, TEAM, deal, person, unmapped

CATALOG = load_catalog()


def _bundled_stages() -> list[Any]:
    cases = []
    for crm in ("salesforce", "hubspot"):
        mapping = load_mapping(crm)
        for pipeline, stages in mapping.pipelines.items():
            for stage, phase in stages.items():
                if phase is not None:
                    cases.append(pytest.param(phase, id=f"{crm}-{pipeline}-{stage}"))
    return cases


def _empty(phase: Phase) -> DealSnapshot:
    """A deal staged in `phase` with no evidence at all and a key person last met long ago."""
    old = person("d1", Role.DECISION_MAKER, days_ago=400, name="Tanaka")
    return DealSnapshot(
        id="006E", crm="test", stage="s", stage_phase=phase, contacts=(old,), mapped=ALL_MAPPED
    )


@pytest.mark.parametrize("phase", _bundled_stages())
def test_no_skipped_step_for_the_work_of_the_deals_own_stage(phase: Phase) -> None:
    evaluation = evaluate_deal(_empty(phase), NOW, CATALOG)
    assert evaluation is not None
    skipped = {r.gate_id for r in evaluation.results if r.skipped_phase}
    own = {g.id for g in CATALOG.gates if g.phase is evaluation.phase or g.ongoing}
    assert not skipped & own
    assert evaluation.failing  # the empty deal does fail: the check is not vacuous


def test_id_decision_makers_is_discovery_work() -> None:
    stages = load_mapping("salesforce").pipelines["*"]
    assert stages["Id. Decision Makers"] is Phase.DISCOVERY


def test_a_key_person_met_once_stays_met_and_contact_frequency_is_never_a_skipped_step() -> None:
    evaluation = evaluate_deal(_empty(Phase.DECISION), NOW, CATALOG)
    assert evaluation is not None
    by_id = {r.gate_id: r for r in evaluation.results}
    assert by_id["key_person_contacted"].outcome.value == "passed"  # met 400 days ago: done
    touch = by_id["key_person_in_touch"]
    assert touch.failed and not touch.skipped_phase


@pytest.mark.parametrize(
    ("qualification", "mapped", "qualified"),
    [
        pytest.param(None, ALL_MAPPED, False, id="not-decided"),
        pytest.param(Qualification.PENDING, ALL_MAPPED, False, id="pending"),
        pytest.param(Qualification.PURSUE, ALL_MAPPED, True, id="pursue"),
        pytest.param(None, unmapped("qualification"), True, id="field-not-mapped"),
    ],
)
def test_a_discovery_deal_is_qualified_once_pursued(
    qualification: Qualification | None, mapped: frozenset[str], qualified: bool
) -> None:
    evaluation = evaluate_deal(
        deal(Phase.DISCOVERY, qualification=qualification, mapped=mapped), NOW, CATALOG
    )
    assert evaluation is not None and evaluation.qualified is qualified


@pytest.mark.parametrize(
    ("changes", "phase"),
    [
        pytest.param({"invoice_sent": False}, Phase.DELIVERY, id="not-invoiced-stays"),
        pytest.param(
            {"invoice_sent": False, "delivery_done": True}, Phase.DELIVERY, id="done-not-invoiced"
        ),
        pytest.param({"invoice_sent": True}, Phase.MAINTENANCE, id="invoiced-moves-on"),
        pytest.param(
            {"invoice_sent": None, "mapped": unmapped("invoice_sent")},
            Phase.MAINTENANCE,
            id="invoice-not-mapped",
        ),
    ],
)
def test_delivery_ends_with_the_invoice(changes: dict[str, Any], phase: Phase) -> None:
    won = deal(Phase.DELIVERY, close_date=date(2026, 1, 5), **changes)  # long past 90 days
    assert resolve_phase(won, NOW) is phase


@pytest.mark.parametrize(
    ("changes", "rank"),
    [
        pytest.param({}, "A", id="approved"),
        pytest.param({"approval_status": ApprovalStatus.IN_REVIEW}, "B", id="in-review"),
        pytest.param({"approval_status": ApprovalStatus.NOT_STARTED}, "C", id="project"),
        pytest.param({"approval_status": ApprovalStatus.REJECTED}, "D", id="rejected-caps"),
        pytest.param({"budget_status": BudgetStatus.ESTIMATED}, "D", id="no-budget"),
        pytest.param({"contacts": TEAM[1:]}, "D", id="no-decision-maker"),
        pytest.param({"mapped": unmapped("approval_status")}, "C", id="approval-not-mapped"),
        # time-based checks never enter the rank: a key person last met a year ago
        pytest.param(
            {"contacts": (person("d1", Role.DECISION_MAKER, days_ago=365),), "order_date": None},
            "A",
            id="time-ignored",
        ),
    ],
)
def test_confidence_rank_follows_the_milestones(changes: dict[str, Any], rank: str) -> None:
    assert confidence_rank(deal(Phase.DECISION, **changes), Phase.DECISION) == rank
    evaluation = evaluate_deal(deal(Phase.DECISION, **changes), NOW, CATALOG)
    assert evaluation is not None and evaluation.rank == rank
    assert 0 < evaluation.evaluated <= len(CATALOG.gates)


def test_won_deals_are_not_ranked() -> None:
    assert confidence_rank(deal(Phase.DELIVERY), Phase.DELIVERY) is None
