"""Evidence score and evidence-based probability (slide 50)."""

from __future__ import annotations

from typing import Any

import pytest

from gates import evaluate_deal, load_catalog
from gates.forecast import LADDER, evidence_probability, evidence_score
from gates.snapshot import Phase
from tests.gates.builders import NOW, TODAY, deal

CATALOG = load_catalog()
DISCOVERY_GATES = 12
DEFINE_GATES = 9


def forecast(phase: Phase, **changes: Any) -> tuple[float | None, float | None]:
    evaluation = evaluate_deal(deal(phase, close_date=TODAY, **changes), NOW, CATALOG)
    assert evaluation is not None
    # The module functions agree with what evaluate_deal reports.
    assert evaluation.evidence_score == evidence_score(evaluation.results)
    assert evaluation.evidence_probability == evidence_probability(phase, evaluation.results)
    return evaluation.evidence_score, evaluation.evidence_probability


half_discovery = {
    "scope": "TBD",
    "reason": "TBD",
    "competitors": "-",
    "order_date": None,
    "invited_to_propose": False,
    "staffing_outlook": "?",
}


@pytest.mark.parametrize(
    ("phase", "changes", "score", "probability"),
    [
        pytest.param(Phase.DISCOVERY, {}, 1.0, 0.30, id="discovery-complete"),
        pytest.param(Phase.DEFINE, {}, 1.0, 0.60, id="define-complete"),
        pytest.param(Phase.DECISION, {}, 1.0, 0.90, id="decision-complete"),
        pytest.param(
            Phase.DISCOVERY, half_discovery, 0.5, round(0.10 + 0.20 * 0.5, 4), id="discovery-half"
        ),
        pytest.param(
            Phase.DECISION,
            half_discovery,
            22 / 28,
            round(0.10 + 0.20 * 0.5, 4),
            id="stage-ahead-judged-by-evidence",
        ),
        pytest.param(
            Phase.DEFINE,
            # the proposal fails too: its precondition (technical fit, staffing) is missing
            {"technical_fit": False, "delivery_capacity": False, "schedule_prepared": False},
            17 / 21,
            round(0.30 + 0.30 * 5 / 9, 4),
            id="define-half",
        ),
        pytest.param(
            Phase.DECISION,
            {"approval_status": "rejected"},
            27 / 28,
            round(0.60 + 0.30 * 6 / 7, 4),
            id="decision-one-short",
        ),
        pytest.param(Phase.DELIVERY, {}, 1.0, 1.0, id="won"),
        pytest.param(Phase.DELIVERY, {"invoice_sent": False}, 0.5, 1.0, id="won-invoice-open"),
        pytest.param(Phase.DISCOVERY, {"mapped": frozenset()}, None, None, id="nothing-mapped"),
    ],
)
def test_forecast(
    phase: Phase, changes: dict[str, Any], score: float | None, probability: float | None
) -> None:
    got_score, got_probability = forecast(phase, **changes)
    assert got_score == pytest.approx(score)
    assert got_probability == probability


def test_more_evidence_never_lowers_the_probability() -> None:
    missing = ["scope", "reason", "competitors", "order_date"]
    readings = [
        forecast(Phase.DECISION, **{name: None for name in missing[:n]})[1] for n in range(5)
    ]
    values = [r for r in readings if r is not None]
    assert len(values) == 5
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    assert values[0] == LADDER[-1]


def test_discovery_gate_count_matches_the_catalog() -> None:
    phases = [g.phase for g in CATALOG.gates]
    assert phases.count(Phase.DISCOVERY) == DISCOVERY_GATES
    assert phases.count(Phase.DEFINE) == DEFINE_GATES
