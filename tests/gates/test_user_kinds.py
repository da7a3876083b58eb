"""User-defined gates in YAML files use the same kinds as the built-in catalog."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from gates import evaluate_gate, load_catalog
from gates.kinds import KINDS
from gates.results import Outcome
from gates.snapshot import Role, Stance
from gates.spec import SPEC_BY_KIND
from tests.gates.builders import NOW, TEAM, TODAY, deal, person, unmapped

USER_GATES = """\
gates:
  - id: amount_present
    phase: discovery
    kind: field_present
    evidence: [amount]
    title: {en: Amount entered}
  - id: owner_assigned
    phase: discovery
    kind: field_present
    evidence: [delivery_owner]
    title: {en: Delivery owner named}
  - id: currency_is_yen
    phase: define
    kind: enum_in
    evidence: [currency]
    params: {values: [JPY]}
    title: {en: Priced in yen}
  - id: order_soon
    phase: define
    kind: date_within
    evidence: [order_date]
    params: {within_days: 30, direction: future}
    title: {en: Order within a month}
  - id: started_recently
    phase: delivery
    kind: date_within
    evidence: [project_start]
    params: {within_days: 10, direction: past}
    title: {en: Started in the last ten days}
  - id: order_near
    phase: define
    kind: date_within
    evidence: [order_date]
    params: {within_days: 5}
    title: {en: Order date near}
  - id: approver_known
    phase: decision
    kind: role_present
    params: {role: A}
    title: {en: Approver identified, ja: 承認権限者を特定}
  - id: decision_maker_met_monthly
    phase: decision
    kind: key_person_contacted
    params: {roles: [D], within_days: 30}
    title: {en: Decision maker met this month}
  - id: two_supporters
    phase: decision
    kind: stance_aligned
    params: {role: I, stances: [supporter], min_count: 2}
    title: {en: Two supporting influencers}
  - id: scope_and_reason
    phase: discovery
    kind: all_text_real
    evidence: [scope, reason]
    title: {en: Scope and reason written}
"""


@pytest.fixture(scope="module")
def user_catalog(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("gates") / "team.yaml"
    path.write_text(USER_GATES, encoding="utf-8")
    return load_catalog([path], builtin=False)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


CASES = [
    ("amount_present", {"amount": 1_000_000.0}, Outcome.PASSED, ()),
    ("amount_present", {"amount": None}, Outcome.FAILED, ("amount is not set",)),
    ("owner_assigned", {"delivery_owner": "  "}, Outcome.FAILED, ("delivery owner is not set",)),
    ("currency_is_yen", {"currency": " jpy "}, Outcome.PASSED, ()),
    ("currency_is_yen", {"currency": "USD"}, Outcome.FAILED, ("currency is 'USD'",)),
    ("order_soon", {"order_date": TODAY + timedelta(days=30)}, Outcome.PASSED, ()),
    (
        "order_soon",
        {"order_date": TODAY + timedelta(days=31)},
        Outcome.FAILED,
        (f"order date {day(31)} is not within 30 days after today",),
    ),
    (
        "order_soon",
        {"order_date": TODAY - timedelta(days=1)},
        Outcome.FAILED,
        (f"order date {day(-1)} is not within 30 days after today",),
    ),
    ("started_recently", {"project_start": TODAY - timedelta(days=10)}, Outcome.PASSED, ()),
    (
        "started_recently",
        {"project_start": TODAY + timedelta(days=1)},
        Outcome.FAILED,
        (f"project start {day(1)} is not within 10 days before today",),
    ),
    ("order_near", {"order_date": TODAY - timedelta(days=5)}, Outcome.PASSED, ()),
    ("order_near", {"order_date": TODAY + timedelta(days=5)}, Outcome.PASSED, ()),
    ("order_near", {"order_date": None}, Outcome.FAILED, ("order date is not set",)),
    ("approver_known", {}, Outcome.PASSED, ()),
    (
        "approver_known",
        {"contacts": (TEAM[0], TEAM[2])},
        Outcome.FAILED,
        ("no approver (A) among 2 contacts",),
    ),
    (
        "decision_maker_met_monthly",
        {"contacts": (person("d", Role.DECISION_MAKER, days_ago=30),)},
        Outcome.PASSED,
        (),
    ),
    (
        "decision_maker_met_monthly",
        {"contacts": (person("d", Role.DECISION_MAKER, days_ago=31), person("a", Role.APPROVER))},
        Outcome.FAILED,
        (
            "no decision maker (D) contacted within 30 days "
            f"(last: Person d (D) on {(NOW - timedelta(days=31)).date().isoformat()})",
        ),
    ),
    (
        "two_supporters",
        {"contacts": (person("i1", Role.INFLUENCER), person("i2", Role.INFLUENCER))},
        Outcome.PASSED,
        (),
    ),
    (
        "two_supporters",
        {"contacts": (person("i1", Role.INFLUENCER, Stance.COOPERATOR, name="Kudo"),)},
        Outcome.FAILED,
        ("only 1 influencer (I), 2 needed", "influencer Kudo (I) is a cooperator (△)"),
    ),
    (
        "scope_and_reason",
        {"scope": "TBC", "reason": "n/a"},
        Outcome.FAILED,
        ("scope is a placeholder: 'TBC'", "reason is a placeholder: 'n/a'"),
    ),
    # Standard fields exist in every account: never "not mapped".
    ("amount_present", {"amount": 5.0, "mapped": frozenset()}, Outcome.PASSED, ()),
    (
        "approver_known",
        {"mapped": unmapped("contacts")},
        Outcome.NOT_EVALUATED,
        ("not mapped: contacts",),
    ),
]


@pytest.mark.parametrize(
    ("gate_id", "changes", "expected", "reasons"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(CASES)],
)
def test_user_gate(
    user_catalog: Any,
    gate_id: str,
    changes: dict[str, Any],
    expected: Outcome,
    reasons: tuple[str, ...],
) -> None:
    result = evaluate_gate(user_catalog.get(gate_id), deal(**changes), NOW)
    assert (result.outcome, result.reasons) == (expected, reasons)


def test_user_gates_keep_their_file_and_line(user_catalog: Any) -> None:
    gate = user_catalog.get("approver_known")
    line = USER_GATES.splitlines().index("  - id: approver_known") + 1
    assert gate.source.endswith(f"team.yaml:{line}")
    assert gate.evidence == ("contacts",)  # contact kinds may leave evidence out
    assert gate.title.get("ja") == "承認権限者を特定"
    assert user_catalog.get("order_soon").title.get("ja") == "Order within a month"
    assert dict(user_catalog.get("decision_maker_met_monthly").params) == {
        "roles": ("D",),
        "within_days": 30,
    }


def test_every_kind_of_the_file_format_has_an_evaluator() -> None:
    assert set(KINDS) == set(SPEC_BY_KIND)
