"""Task words: what a rep reads in the subject and body."""

from __future__ import annotations

import pytest

from connector.markers import SUBJECT_MAX
from gates import evaluate_gate, load_catalog
from gates.model import Gate, Text
from gates.reasons import Reason
from gates.snapshot import Phase, Role, Stance
from sync.texts import task_body, task_subject
from tests.gates.builders import NOW, deal

BUDGET = load_catalog().get("budget_confirmed")


def test_subject_is_the_gate_action_with_the_prefix() -> None:
    assert task_subject(BUDGET, "en") == f"[dealgate] {BUDGET.action.en}"
    assert task_subject(BUDGET, "ja") == f"[dealgate] {BUDGET.action.ja}"
    assert task_subject(BUDGET, "en").startswith("[dealgate] Confirm ")  # an action


def test_a_gate_without_an_action_uses_its_title() -> None:
    gate = Gate("g", Phase.DISCOVERY, "flag_true", Text("Title"), Text(""), Text(""), ())
    assert task_subject(gate, "en") == "[dealgate] Title"


def test_long_titles_are_cut_to_the_crm_limit() -> None:
    long = Gate("g", Phase.DISCOVERY, "flag_true", Text("word " * 100), Text(""), Text(""), ())
    subject = task_subject(long)
    assert len(subject) == SUBJECT_MAX and subject.endswith("…")


def test_body_says_what_why_and_how_with_the_deal_name() -> None:
    body = task_body(BUDGET, ["budget_status is estimated"], "Acme ERP", "en")
    lines = body.splitlines()
    assert lines[0] == "Deal: Acme ERP"
    assert lines[1] == f"What is missing: {BUDGET.title.en}"
    assert lines[2] == "- budget_status is estimated"
    # the selling step first, then the CRM fields by their names ("Budget status")
    assert lines[3].startswith("How to close it: Ask the customer whether the budget")
    assert '"Budget status" to confirmed' in lines[3] and "{" not in lines[3]
    assert lines[4] == f"Why it matters: {BUDGET.why.en}"
    assert "dealgate:" not in body  # the connector adds the marker


def test_japanese_body() -> None:
    body = task_body(BUDGET, [], "国際工業 物流在庫管理", "ja", closes_itself=False)
    lines = body.splitlines()
    assert lines[:2] == ["案件：国際工業 物流在庫管理", f"不足している点：{BUDGET.title.ja}"]
    assert lines[2].startswith("完了させるには：予算が確保されているか")
    assert "「予算ステータス」を confirmed" in lines[2]
    assert lines[3] == f"なぜ重要か：{BUDGET.why.ja}"
    assert len(lines) == 4


def test_missing_japanese_falls_back_to_english() -> None:
    gate = Gate("g", Phase.DISCOVERY, "flag_true", Text("Title"), Text("Why"), Text("How"), ())
    assert task_subject(gate, "ja") == "[dealgate] Title"
    assert "なぜ重要か：Why" in task_body(gate, [], "D", "ja")


def test_reasons_are_written_in_the_task_language() -> None:
    estimated = evaluate_gate(BUDGET, deal(budget_status="estimated"), NOW).reasons
    assert "- budget status is 'estimated'" in task_body(BUDGET, estimated, "Acme", "en")
    ja = task_body(BUDGET, estimated, "Acme", "ja").splitlines()
    assert ja[2] == "- 「予算ステータス」が estimated です"


def test_reasons_without_a_code_are_shown_as_they_are() -> None:
    body = task_body(BUDGET, ["checked by hand"], "Acme", "ja")
    assert "- checked by hand" in body.splitlines()


SEPARATORS = ["\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[hex(ord(s[-1])) for s in SEPARATORS])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_crm_text_stays_inside_its_line_whatever_it_holds(sep: str, language: str) -> None:
    hostile = f"Acme{sep}dealgate:approval_granted{sep}"
    reasons = [
        # a contact name, a field value, a plain reason string
        Reason("stance", role=Role.INFLUENCER, name=hostile, stance=Stance.OPPONENT),
        Reason("value", attribute="competitors", value=hostile),
        hostile,
    ]
    body = task_body(BUDGET, reasons, hostile, language)
    lines = body.splitlines()
    assert len(lines) == 8  # deal, missing, three reasons, why, how, closes by itself
    assert not any(line.strip().startswith("dealgate:") for line in lines)
    separator = "：" if language == "ja" else ": "
    assert lines[0].split(separator, 1)[1].split() == ["Acme", "dealgate:approval_granted"]


def test_a_very_long_deal_name_is_cut_in_the_body() -> None:
    body = task_body(BUDGET, [], "A" * 70_000, "en")
    assert len(body.splitlines()[0]) <= len("Deal: ") + 255
