"""Task words: what a rep reads in the subject and body."""

from __future__ import annotations

from gates import evaluate_gate, load_catalog
from gates.model import Gate, Text
from gates.snapshot import Phase
from sync.texts import SUBJECT_MAX, task_body, task_subject
from tests.gates.builders import NOW, deal

BUDGET = load_catalog().get("budget_confirmed")


def test_subject_is_the_gate_title_with_the_prefix() -> None:
    assert task_subject(BUDGET, "en") == f"[dealgate] {BUDGET.title.en}"
    assert task_subject(BUDGET, "ja") == f"[dealgate] {BUDGET.title.ja}"


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
    assert lines[3] == f"Why it matters: {BUDGET.why.en}"
    assert lines[4] == f"How to close it: {BUDGET.how.en}"
    assert "dealgate:" not in body  # the connector adds the marker


def test_japanese_body() -> None:
    body = task_body(BUDGET, [], "国際工業 物流在庫管理", "ja", closes_itself=False)
    assert body.splitlines() == [
        "案件: 国際工業 物流在庫管理",
        f"不足している点: {BUDGET.title.ja}",
        f"なぜ重要か: {BUDGET.why.ja}",
        f"完了させるには: {BUDGET.how.ja}",
    ]


def test_missing_japanese_falls_back_to_english() -> None:
    gate = Gate("g", Phase.DISCOVERY, "flag_true", Text("Title"), Text("Why"), Text("How"), ())
    assert task_subject(gate, "ja") == "[dealgate] Title"
    assert "なぜ重要か: Why" in task_body(gate, [], "D", "ja")


def test_reasons_are_written_in_the_task_language() -> None:
    estimated = evaluate_gate(BUDGET, deal(budget_status="estimated"), NOW).reasons
    assert "- budget status is 'estimated'" in task_body(BUDGET, estimated, "Acme", "en")
    ja = task_body(BUDGET, estimated, "Acme", "ja").splitlines()
    assert ja[2] == "- 「予算ステータス」が estimated です"


def test_reasons_without_a_code_are_shown_as_they_are() -> None:
    body = task_body(BUDGET, ["checked by hand"], "Acme", "ja")
    assert "- checked by hand" in body.splitlines()
