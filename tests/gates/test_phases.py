"""Phase resolution (won deals move to maintenance) and cumulative checking of selling phases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gates import evaluate_deal, load_catalog, resolve_phase
from gates.snapshot import Phase
from tests.gates.builders import NOW, TODAY, deal

CATALOG = load_catalog()
PHASE_OF = {gate.id: gate.phase for gate in CATALOG.gates}


@pytest.mark.parametrize(
    ("changes", "kwargs", "expected"),
    [
        pytest.param({"stage_phase": Phase.DISCOVERY}, {}, Phase.DISCOVERY, id="discovery"),
        pytest.param({"stage_phase": Phase.DEFINE}, {}, Phase.DEFINE, id="define"),
        pytest.param({"stage_phase": Phase.DECISION}, {}, Phase.DECISION, id="decision"),
        pytest.param({"stage_phase": None}, {}, None, id="closed-lost"),
        pytest.param(
            {"stage_phase": Phase.DECISION, "close_date": date(2020, 1, 1)},
            {},
            Phase.DECISION,
            id="open-deal-stays-with-old-close-date",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": TODAY - timedelta(days=89)},
            {},
            Phase.DELIVERY,
            id="won-89-days-ago",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": TODAY - timedelta(days=90)},
            {},
            Phase.MAINTENANCE,
            id="won-90-days-ago-inclusive",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": TODAY - timedelta(days=30)},
            {"maintenance_after_days": 30},
            Phase.MAINTENANCE,
            id="custom-maintenance-after",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": TODAY, "delivery_done": True},
            {},
            Phase.MAINTENANCE,
            id="delivery-done-first",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": None, "delivery_done": None},
            {},
            Phase.DELIVERY,
            id="won-without-close-date",
        ),
        pytest.param(
            {"stage_phase": Phase.DELIVERY, "close_date": date(9999, 12, 31)},
            {},
            Phase.DELIVERY,
            id="far-future-close-date",
        ),
        pytest.param({"stage_phase": Phase.MAINTENANCE}, {}, Phase.MAINTENANCE, id="mapped-maint"),
    ],
)
def test_resolve_phase(
    changes: dict[str, Any], kwargs: dict[str, int], expected: Phase | None
) -> None:
    assert resolve_phase(deal(**changes), NOW, **kwargs) == expected


def test_maintenance_day_follows_the_run_clock() -> None:
    won = deal(Phase.DELIVERY, close_date=date(2026, 8, 29))
    assert resolve_phase(won, datetime(2026, 11, 26, 23, 59, tzinfo=UTC)) is Phase.DELIVERY
    assert resolve_phase(won, datetime(2026, 11, 27, 0, 0, tzinfo=UTC)) is Phase.MAINTENANCE


SELLING = [gate_id for gate_id, phase in PHASE_OF.items() if phase is Phase.DISCOVERY]
DEFINE = [gate_id for gate_id, phase in PHASE_OF.items() if phase is Phase.DEFINE]
DECISION = [gate_id for gate_id, phase in PHASE_OF.items() if phase is Phase.DECISION]


@pytest.mark.parametrize(
    ("phase", "checked", "own"),
    [
        pytest.param(Phase.DISCOVERY, SELLING, SELLING, id="discovery"),
        # key_person_in_touch is ongoing (contact frequency): never a skipped step
        pytest.param(Phase.DEFINE, SELLING + DEFINE, ["key_person_in_touch", *DEFINE], id="define"),
        pytest.param(
            Phase.DECISION,
            SELLING + DEFINE + DECISION,
            ["key_person_in_touch", *DECISION],
            id="decision",
        ),
        pytest.param(
            Phase.DELIVERY,
            ["delivery_owner_assigned", "invoice_sent"],
            ["delivery_owner_assigned", "invoice_sent"],
            id="delivery-own-only",
        ),
        pytest.param(
            Phase.MAINTENANCE,
            ["payment_received", "key_person_recent_contact"],
            ["payment_received", "key_person_recent_contact"],
            id="maintenance-own-only",
        ),
    ],
)
def test_selling_phases_are_checked_cumulatively(
    phase: Phase, checked: list[str], own: list[str]
) -> None:
    evaluation = evaluate_deal(deal(phase, close_date=TODAY), NOW, CATALOG)
    assert evaluation is not None and evaluation.phase is phase
    assert [r.gate_id for r in evaluation.results] == checked
    assert [r.gate_id for r in evaluation.results if not r.skipped_phase] == own


def test_failing_gate_of_an_earlier_phase_is_marked_skipped_phase() -> None:
    evaluation = evaluate_deal(deal(Phase.DEFINE, budget_status="estimated"), NOW, CATALOG)
    assert evaluation is not None
    [failing] = evaluation.failing
    assert failing.gate_id == "budget_confirmed" and failing.skipped_phase


def test_closed_lost_deal_gets_no_evaluation() -> None:
    assert evaluate_deal(deal(None, budget_status="unknown"), NOW, CATALOG) is None


def test_won_deal_ignores_selling_evidence() -> None:
    won = deal(Phase.DELIVERY, close_date=TODAY, budget_status="unknown", approval_status=None)
    evaluation = evaluate_deal(won, NOW, CATALOG)
    assert evaluation is not None and evaluation.failing == ()
    assert evaluation.findings == ()


def test_disabled_gates_are_left_out() -> None:
    catalog = load_catalog(overrides={"budget_confirmed": {"enabled": False}})
    evaluation = evaluate_deal(deal(Phase.DISCOVERY, budget_status="unknown"), NOW, catalog)
    assert evaluation is not None
    assert "budget_confirmed" not in [r.gate_id for r in evaluation.results]
    assert evaluation.failing == ()
