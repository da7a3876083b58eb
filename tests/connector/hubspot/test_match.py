"""Matching a batch-create answer to its inputs by content, never by position."""

from __future__ import annotations

from datetime import date

from connector.base import TaskCreate
from connector.hubspot.writes import match_creates, task_properties, task_to_deal_type


def _item(deal_id: str, gate: str = "budget_confirmed", owner: str = "7") -> TaskCreate:
    return TaskCreate(deal_id, gate, owner, "Confirm the budget", "Ask.", date(2026, 12, 1))


def _result(task_id: str, item: TaskCreate) -> dict[str, object]:
    return {"id": task_id, "properties": task_properties(item)}


def _no_lookup(task_ids: list[str]) -> dict[str, str]:
    raise AssertionError("no association read needed")


def test_trace_ids_win_over_order() -> None:
    a, b = _item("1"), _item("2")
    answer = {
        "results": [
            {**_result("t2", b), "objectWriteTraceId": "2:budget_confirmed"},
            {**_result("t1", a), "objectWriteTraceId": "1:budget_confirmed"},
        ]
    }
    matched = match_creates([a, b], answer, _no_lookup)
    assert {k: v["id"] for k, v in matched.created.items()} == {
        "1:budget_confirmed": "t1",
        "2:budget_confirmed": "t2",
    }


def test_distinct_content_matches_without_trace_ids() -> None:
    a, b = _item("1", "budget_confirmed"), _item("1", "scope_confirmed")
    answer = {"results": [_result("t2", b), _result("t1", a)]}
    matched = match_creates([a, b], answer, _no_lookup)
    assert matched.created["1:scope_confirmed"]["id"] == "t2"
    assert matched.created["1:budget_confirmed"]["id"] == "t1"


def test_identical_content_on_several_deals_is_settled_by_association() -> None:
    a, b = _item("1"), _item("2")
    answer = {"results": [_result("t-of-2", b), _result("t-of-1", a)]}
    asked: list[list[str]] = []

    def deal_of(task_ids: list[str]) -> dict[str, str]:
        asked.append(task_ids)
        return {"t-of-1": "1", "t-of-2": "2"}

    matched = match_creates([a, b], answer, deal_of)
    assert matched.created["1:budget_confirmed"]["id"] == "t-of-1"
    assert matched.created["2:budget_confirmed"]["id"] == "t-of-2"
    assert len(asked) == 1


def test_errors_are_matched_by_trace_id_in_their_context() -> None:
    a, b = _item("1"), _item("2", owner="404")
    answer = {
        "results": [_result("t1", a)],
        "errors": [
            {
                "category": "VALIDATION_ERROR",
                "message": "owner 404 is not valid",
                "context": {"objectWriteTraceId": ["2:budget_confirmed"]},
            }
        ],
    }
    matched = match_creates([a, b], answer, _no_lookup)
    assert set(matched.created) == {"1:budget_confirmed"}
    assert matched.failed["2:budget_confirmed"]["category"] == "VALIDATION_ERROR"


def test_association_type_comes_from_the_labels_answer() -> None:
    labels = [
        {"category": "HUBSPOT_DEFINED", "typeId": 216, "label": None},
        {"category": "USER_DEFINED", "typeId": 77, "label": "Follow-up"},
    ]
    assert task_to_deal_type(labels) == 216
    assert task_to_deal_type([{"category": "HUBSPOT_DEFINED", "typeId": 9, "label": None}]) == 9
