"""Deal-level findings: stage ahead of evidence, approval rejected, close date passed, opponent
key person, single-threaded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gates import evaluate_deal, load_catalog
from gates.results import FindingCode
from gates.snapshot import ApprovalStatus, Phase, Role, Stance
from tests.gates.builders import NOW, TEAM, TODAY, deal, person, unmapped

CATALOG = load_catalog()
yesterday = TODAY - timedelta(days=1)


def findings(phase: Phase, **changes: Any) -> dict[FindingCode, str]:
    evaluation = evaluate_deal(deal(phase, **changes), NOW, CATALOG)
    assert evaluation is not None
    return {f.code: f.message for f in evaluation.findings}


CASES = [
    (
        Phase.DEFINE,
        {"budget_status": "estimated", "scope": "TBD"},
        FindingCode.STAGE_AHEAD_OF_EVIDENCE,
        "stage is define but 2 gate(s) of earlier phases fail: scope_confirmed, budget_confirmed",
    ),
    (
        Phase.DECISION,
        {"approval_status": ApprovalStatus.REJECTED},
        FindingCode.APPROVAL_REJECTED,
        "approval rejected",
    ),
    (
        Phase.DISCOVERY,
        {"approval_status": ApprovalStatus.REJECTED},
        FindingCode.APPROVAL_REJECTED,
        "approval rejected",
    ),
    (
        Phase.DEFINE,
        {"close_date": yesterday},
        FindingCode.CLOSE_DATE_PASSED,
        f"close date {yesterday.isoformat()} is in the past on an open deal",
    ),
    (
        Phase.DECISION,
        {"contacts": (*TEAM[::2], person("a1", Role.APPROVER, Stance.OPPONENT, name="Yamada"))},
        FindingCode.OPPONENT_KEY_PERSON,
        "opponent (×) without a counter-plan: approver Yamada (A)",
    ),
    (
        Phase.DISCOVERY,
        {"contacts": (person("d1", Role.DECISION_MAKER, Stance.OPPONENT, name="Kondo"), TEAM[1])},
        FindingCode.OPPONENT_KEY_PERSON,
        "opponent (×) without a counter-plan: decision maker Kondo (D)",
    ),
    (
        Phase.DISCOVERY,
        {"contacts": (TEAM[0],)},
        FindingCode.SINGLE_THREADED,
        "single-threaded: 1 contact on the deal",
    ),
    (
        Phase.DECISION,
        {"contacts": ()},
        FindingCode.SINGLE_THREADED,
        "single-threaded: 0 contacts on the deal",
    ),
]


@pytest.mark.parametrize(
    ("phase", "changes", "code", "message"),
    [pytest.param(*case, id=str(case[2])) for case in CASES],
)
def test_finding(phase: Phase, changes: dict[str, Any], code: FindingCode, message: str) -> None:
    assert findings(phase, **changes).get(code) == message


NO_FINDING = [
    pytest.param(Phase.DECISION, {}, id="complete-deal"),
    pytest.param(Phase.DISCOVERY, {"technical_fit": False}, id="later-phase-gate-fails"),
    pytest.param(Phase.DEFINE, {"technical_fit": False}, id="own-phase-gate-fails"),
    pytest.param(Phase.DEFINE, {"close_date": TODAY}, id="close-date-today"),
    pytest.param(
        Phase.DECISION,
        {"contacts": (*TEAM, person("i9", Role.INFLUENCER, Stance.OPPONENT))},
        id="opponent-influencer-is-a-gate-not-a-finding",
    ),
    pytest.param(
        Phase.DECISION,
        {"approval_status": ApprovalStatus.REJECTED, "mapped": unmapped("approval_status")},
        id="approval-unmapped",
    ),
    pytest.param(
        Phase.DECISION, {"contacts": (), "mapped": unmapped("contacts")}, id="contacts-unmapped"
    ),
    pytest.param(
        Phase.DELIVERY,
        {"close_date": yesterday, "approval_status": ApprovalStatus.REJECTED, "contacts": ()},
        id="won-deal",
    ),
    pytest.param(
        Phase.DEFINE,
        {"budget_status": "unknown", "mapped": unmapped("budget_status")},
        id="unmapped-earlier-gate-is-not-stage-ahead",
    ),
]


@pytest.mark.parametrize(("phase", "changes"), NO_FINDING)
def test_no_finding(phase: Phase, changes: dict[str, Any]) -> None:
    assert findings(phase, **changes) == {}
