"""Failure reasons in English and Japanese: one code per kind of problem, rendered on demand."""

from __future__ import annotations

import copy
import json
import pickle
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from gates import evaluate_deal, evaluate_gate, load_catalog
from gates.attributes import ATTRIBUTE_TYPES, CONTACTS
from gates.loader import parse_gates
from gates.reasons import CODES, JA_LABELS, Reason, ja_label, localize
from gates.snapshot import ApprovalStatus, BudgetStatus, Phase, Role, Stance
from tests.gates.builders import NOW, TEAM, TODAY, deal, person, unmapped
from tests.gates.test_catalog_gates import FAILURES
from tests.gates.test_user_kinds import USER_GATES

CATALOG = load_catalog()
USER = {gate.id: gate for gate in parse_gates(USER_GATES, "team.yaml")[0]}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def reasons(gate_id: str, **changes: Any) -> tuple[str, ...]:
    gate = USER[gate_id] if gate_id in USER else CATALOG.get(gate_id)
    return evaluate_gate(gate, deal(**changes), NOW).reasons


@pytest.mark.parametrize(
    ("gate_id", "changes", "english"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(FAILURES)],
)
def test_every_built_in_failure_reads_in_japanese(
    gate_id: str, changes: dict[str, Any], english: tuple[str, ...]
) -> None:
    found = reasons(gate_id, **changes)
    assert found == english  # the English text is the string itself, unchanged
    for reason in found:
        assert isinstance(reason, Reason) and reason.code in CODES
        assert reason.text("en") == reason
        ja = reason.text("ja")
        assert JAPANESE.search(ja) and ja != reason


def jday(day: date | datetime) -> str:
    """A date as Japanese texts write it: 2026年5月11日."""
    return f"{day.year}年{day.month}月{day.day}日"


last_200 = jday(NOW - timedelta(days=200))

JA_CASES = [
    (
        "budget_confirmed",
        {"budget_status": BudgetStatus.ESTIMATED},
        "「予算ステータス」が estimated です",
    ),
    ("budget_confirmed", {"budget_status": None}, "「予算ステータス」が未入力です"),
    ("scope_confirmed", {"scope": " TBD. "}, "「プロジェクト実施内容」が仮の値「TBD.」のままです"),
    ("scope_confirmed", {"scope": "  ?! "}, "「プロジェクト実施内容」が未記入です"),
    ("approval_granted", {"approval_status": ApprovalStatus.REJECTED}, "稟議が却下されました"),
    ("terms_agreed", {"terms_agreed": False}, "「契約条件合意」にチェックが入っていません"),
    (
        "decision_process_known",
        {"contacts": TEAM[1:]},
        "コンタクト2名の中に意思決定者（D）がいません",
    ),
    (
        "decision_process_known",
        {"contacts": ()},
        "意思決定者（D）がいません（案件にコンタクトが登録されていません）",
    ),
    (
        "key_person_recent_contact",
        {"contacts": (person("d1", Role.DECISION_MAKER, days_ago=200),)},
        "キーパーソンと90日以内に接触していません"
        f"（最終接触：意思決定者（D）のPerson d1さん、{last_200}）",
    ),
    (
        "key_person_in_touch",
        {"contacts": (person("d1", Role.DECISION_MAKER, days_ago=None),)},
        "キーパーソンと90日以内に接触していません（最終接触日：記録なし）",
    ),
    (
        "influencers_aligned",
        {"contacts": (person("i1", Role.INFLUENCER, Stance.OPPONENT, name="Sato"),)},
        "影響力保持者（I）のSatoさんのスタンスが反対者（×）です",
    ),
    (
        "influencers_aligned",
        {"contacts": (person("i1", Role.INFLUENCER, None, name="Hoshi"),)},
        "影響力保持者（I）のHoshiさんのスタンスが不明です",
    ),
    # User gates: the kinds the catalog does not use.
    (
        "two_supporters",
        {"contacts": (person("i1", Role.INFLUENCER),)},
        "影響力保持者（I）が1名のみです（2名必要）",
    ),
    (
        "order_soon",
        {"order_date": TODAY + timedelta(days=45)},
        f"「発注予定日」（{jday(TODAY + timedelta(days=45))}）が今後30日以内ではありません",
    ),
    (
        "started_recently",
        {"project_start": TODAY - timedelta(days=11)},
        f"「プロジェクト開始日」（{jday(TODAY - timedelta(days=11))}）が過去10日以内ではありません",
    ),
    (
        "order_near",
        {"order_date": TODAY + timedelta(days=6)},
        f"「発注予定日」（{jday(TODAY + timedelta(days=6))}）が今日の前後5日以内ではありません",
    ),
    (
        "decision_maker_met_monthly",
        {"contacts": (person("d1", Role.DECISION_MAKER, days_ago=31),)},
        "意思決定者（D）と30日以内に接触していません"
        f"（最終接触：意思決定者（D）のPerson d1さん、{jday(NOW - timedelta(days=31))}）",
    ),
    (
        "approver_known",
        {"contacts": (person("x", None),)},
        "コンタクト1名の中に承認権限者（A）がいません",
    ),
    (
        "approver_known",
        {"mapped": unmapped("contacts")},
        "CRM の項目にマッピングされていません：contacts",
    ),
]


@pytest.mark.parametrize(
    ("gate_id", "changes", "japanese"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(JA_CASES)],
)
def test_japanese_reason(gate_id: str, changes: dict[str, Any], japanese: str) -> None:
    assert [localize(r, "ja") for r in reasons(gate_id, **changes)] == [japanese]


def test_design_reasons_are_the_codes() -> None:
    # docs/design.md section 5: placeholders fail with the reason "placeholder", a rejected approval
    # fails approval_granted with the reason "rejected".
    [placeholder] = reasons("scope_confirmed", scope="未定")
    [rejected] = reasons("approval_granted", approval_status=ApprovalStatus.REJECTED)
    assert isinstance(placeholder, Reason) and placeholder.code == "placeholder"
    assert isinstance(rejected, Reason) and rejected.code == "rejected"


def test_result_gives_its_reasons_in_a_language() -> None:
    evaluation = evaluate_deal(deal(Phase.DEFINE, budget_status="estimated"), NOW, CATALOG)
    assert evaluation is not None
    [failing] = evaluation.failing
    assert failing.reasons_in("en") == ("budget status is 'estimated'",)
    assert failing.reasons_in("ja") == ("「予算ステータス」が estimated です",)
    assert failing.reasons_in("fr") == failing.reasons  # unknown language: English
    assert failing.reason_codes == ("value",)


def test_reasons_stay_english_strings_for_the_audit() -> None:
    found = reasons("decision_process_known", decision_process="TBD", contacts=())
    assert json.loads(json.dumps(list(found))) == list(found)
    assert "; ".join(found).startswith("decision process is a placeholder: 'TBD'; no decision")


@pytest.mark.parametrize(
    "clone", [copy.copy, copy.deepcopy, lambda r: pickle.loads(pickle.dumps(r))]
)
def test_reasons_survive_copies_and_pickling(clone: Any) -> None:
    [reason] = reasons(
        "key_person_in_touch", contacts=(person("d1", Role.DECISION_MAKER, days_ago=None),)
    )
    twin = clone(reason)
    assert isinstance(twin, Reason) and twin == reason
    assert (twin.code, dict(twin.params)) == (reason.code, dict(reason.params))
    assert twin.text("ja") == reason.text("ja")


def test_plain_strings_are_left_as_they_are() -> None:
    assert localize("budget checked by hand", "ja") == "budget checked by hand"


def test_every_attribute_has_a_japanese_name() -> None:
    assert set(ATTRIBUTE_TYPES) <= set(JA_LABELS)


@pytest.mark.parametrize("gate", CATALOG.gates, ids=lambda gate: gate.id)
def test_reasons_name_fields_as_the_task_does(gate: Any) -> None:
    # A Japanese task says what is missing with the same field names as its "how" line.
    # Both name a field through `{attribute}`, which the task fills with the CRM's label.
    for attribute in gate.evidence:
        if attribute != CONTACTS:
            assert f"{{{attribute}}}" in gate.how.ja and f"{{{attribute}}}" in gate.how.en
            assert ja_label(attribute) != attribute
