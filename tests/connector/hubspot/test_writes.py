"""Task writes against the sandbox: batches of 100, per-item results, completions."""

from __future__ import annotations

from datetime import date

import pytest

from connector.base import Priority, TaskComplete, TaskCreate
from connector.markers import find_marker
from sandbox.http import Fault
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import Sleeps, connect


@pytest.fixture
def portal(hs_empty: HubSpotSandbox) -> tuple[HubSpotSandbox, str, list[str]]:
    """An empty portal with one owner and 150 deals."""
    owner = hs_empty.store.add_owner("Emily", "Chen")
    deals = [
        hs_empty.store.create("deals", {"dealname": f"deal {n}", "dealstage": "qualifiedtobuy"})
        for n in range(150)
    ]
    return hs_empty, owner, deals


def _create(deal_id: str, owner: str, gate: str = "budget_confirmed") -> TaskCreate:
    return TaskCreate(
        deal_id=deal_id,
        gate_id=gate,
        owner_id=owner,
        subject="Confirm the budget",
        body="The budget is not confirmed.\nAsk who holds it.",
        due=date(2026, 12, 1),
        priority=Priority.HIGH,
    )


def _deal_of_task(hs: HubSpotSandbox, task_id: str) -> str:
    links = hs.store.linked("tasks", int(task_id), "deals")
    (deal_id,) = links
    return str(deal_id)


def test_150_identical_tasks_take_two_calls_and_land_on_the_right_deals(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    connector = connect(hs)
    results = connector.write([_create(d, owner) for d in deals], [])
    assert hs.app.counts()["tasks.batch_create"] == 2
    assert [r.deal_id for r in results] == deals
    assert all(r.ok and r.op == "create" for r in results)
    for result in results:
        assert result.task_id is not None
        assert _deal_of_task(hs, result.task_id) == result.deal_id
    task = hs.store.get("tasks", results[0].task_id or "")
    assert find_marker(task["hs_task_body"]) == "budget_confirmed"
    assert task["hs_task_status"] == "NOT_STARTED"
    assert task["hs_task_priority"] == "HIGH"
    assert task["hubspot_owner_id"] == owner
    assert task["hs_timestamp"].startswith("2026-12-01")


def test_partial_failure_is_a_result_not_an_exception(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    items = [_create(deals[0], owner), _create(deals[1], "404404"), _create(deals[2], owner)]
    results = connect(hs).write(items, [])
    assert [r.ok for r in results] == [True, False, True]
    refused = results[1]
    assert (refused.deal_id, refused.gate_id, refused.task_id) == (
        deals[1],
        "budget_confirmed",
        None,
    )
    assert refused.error_code == "VALIDATION_ERROR"
    assert hs.store.count("tasks") == 2


def test_association_type_is_read_once_from_the_labels_endpoint(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    connector = connect(hs)
    connector.write([_create(deals[0], owner)], [])
    connector.write([_create(deals[1], owner)], [])
    assert hs.app.counts()["associations.labels"] == 1
    assert b'"associationTypeId": 216' in hs.app.writes()[0].body


def test_completions_set_completed_and_report_unknown_tasks(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    connector = connect(hs)
    created = connector.write([_create(deals[0], owner), _create(deals[1], owner)], [])
    done = [TaskComplete(r.task_id or "", r.deal_id, r.gate_id) for r in created]
    done.append(TaskComplete("999999", deals[2], "budget_confirmed"))
    results = connector.write([], done)
    assert [(r.op, r.ok) for r in results] == [("complete", True)] * 2 + [("complete", False)]
    assert results[2].task_id == "999999"
    for result in results[:2]:
        assert hs.store.get("tasks", result.task_id or "")["hs_task_status"] == "COMPLETED"


def test_create_refused_with_503_is_resent_after_a_marker_check(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    connector = connect(hs, sleeps := Sleeps())
    connector.transport.api("tasks.batch")  # built before the fault, as in a long run
    # A 5xx may hide a partial success, so the deals are checked for the marker before the
    # batch is sent again (here the 503 came before anything was created).
    hs.app.inject("POST", "/batch/create$", Fault(503))
    results = connector.write([_create(d, owner) for d in deals[:3]], [])
    assert all(r.ok for r in results)
    assert hs.store.count("tasks") == 3
    assert hs.app.counts()["tasks.batch_create"] == 1
    assert len(sleeps.waits) == 1


def test_lost_answer_to_a_create_finds_the_tasks_by_marker(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    connector = connect(hs)
    items = [_create(d, owner) for d in deals[:3]]
    # Tasks that reached HubSpot whose answer was lost (the connection dropped) are found by
    # their marker on the deal and reported, not created twice.
    first = connector.write(items, [])
    hs.app.inject("POST", "/batch/create$", Fault(status=0, drop=True))
    again = connector.write(items, [])
    assert [r.task_id for r in again] == [r.task_id for r in first]
    assert hs.store.count("tasks") == 3


@pytest.mark.parametrize(
    "scope", ["crm.objects.tasks.write", "crm.objects.contacts.write"], ids=["tasks", "contacts"]
)
def test_either_task_write_scope_is_enough_to_create_and_complete(
    portal: tuple[HubSpotSandbox, str, list[str]], scope: str
) -> None:
    hs, owner, deals = portal
    hs.store.scopes -= {"crm.objects.tasks.write", "crm.objects.contacts.write"}
    hs.store.scopes.add(scope)
    connector = connect(hs)
    (created,) = connector.write([_create(deals[0], owner)], [])
    assert created.ok and created.task_id
    (completed,) = connector.write(
        [], [TaskComplete(created.task_id, deals[0], "budget_confirmed")]
    )
    assert completed.ok


def test_a_body_too_long_for_hubspot_is_cut_and_keeps_the_marker(
    portal: tuple[HubSpotSandbox, str, list[str]],
) -> None:
    hs, owner, deals = portal
    item = TaskCreate(
        deal_id=deals[0],
        gate_id="scope_confirmed",
        owner_id=owner,
        subject="Subject " * 60,
        body="Ask & check.\n" + "Why & how " * 8_000,  # 80,000 characters, escaping makes more
        due=date(2026, 12, 1),
    )
    [result] = connect(hs).write([item], [])
    assert result.ok, result.message
    task = hs.store.get("tasks", result.task_id or "")
    assert len(task["hs_task_body"].encode("utf-16-le")) // 2 <= 65_536
    assert len(task["hs_task_subject"]) <= 255
    assert task["hs_task_body"].endswith("<p>dealgate:scope_confirmed</p>")
    assert find_marker(task["hs_task_body"]) == "scope_confirmed"
