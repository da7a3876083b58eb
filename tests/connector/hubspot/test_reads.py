"""Reads against the sandbox with the real client: full reads, hydration, the search cap."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import SPEC, connect, search_calls


def _deal(hs: HubSpotSandbox, name: str = "Deal", stage: str = "qualifiedtobuy") -> str:
    return hs.store.create(
        "deals", {"dealname": name, "pipeline": "default", "dealstage": stage, "amount": 1000}
    )


def _task(hs: HubSpotSandbox, deal_id: str, body: str, status: str = "NOT_STARTED") -> str:
    task_id = hs.store.create(
        "tasks",
        {
            "hs_task_subject": "Confirm the budget",
            "hs_task_body": body,
            "hs_task_status": status,
            "hs_timestamp": hs.store.now(),
        },
    )
    hs.store.associate("tasks", task_id, "deals", deal_id)
    return task_id


@pytest.mark.slow
def test_full_read_past_the_search_cap_loses_no_deal(hs_empty: HubSpotSandbox) -> None:
    ids = hs_empty.store.generate(10_001, contacts_per_deal=0, tasks_per_deal=0)
    connector = connect(hs_empty)
    read = [deal.id for deal in connector.read_all(SPEC)]
    assert sorted(read) == sorted(ids)
    assert len(read) == len(set(read))
    # 51 pages of 200 over two queries, plus one call for the cursor mark.
    assert search_calls(hs_empty) == 51 + 1


def test_full_read_brings_contacts_with_labels_and_marker_tasks(hs_empty: HubSpotSandbox) -> None:
    hs = hs_empty
    for label in ("Decision maker", "Supporter"):
        hs.store.create_label("deals", "contacts", label)
    deal_id = _deal(hs, "Factory IoT")
    contact_id = hs.store.create(
        "contacts",
        {"firstname": "Taro", "lastname": "Yamada", "notes_last_contacted": hs.store.now()},
    )
    hs.store.associate("deals", deal_id, "contacts", contact_id, ["Decision maker", "Supporter"])
    open_task = _task(hs, deal_id, "<p>Ask for the budget.</p><p>dealgate:budget_confirmed</p>")
    _task(hs, deal_id, "<p>Call back</p>")  # not dealgate's
    recent = _task(hs, deal_id, "<p>dealgate:scope_confirmed</p>", status="COMPLETED")
    hs.store.set_time(hs.store.now() + timedelta(days=20))
    _task(hs, deal_id, "<p>dealgate:reason_confirmed</p>", status="COMPLETED")  # within 14 days
    hs.store.set_time(hs.store.now() + timedelta(days=1))

    (deal,) = list(connect(hs).read_all(SPEC))

    assert deal.id == deal_id
    assert (deal.pipeline, deal.stage) == ("default", "qualifiedtobuy")
    assert deal.fields["dealname"] == "Factory IoT"
    (contact,) = deal.contacts
    assert contact.id == contact_id
    assert set(contact.labels) == {"Decision maker", "Supporter"}
    assert contact.fields["firstname"] == "Taro"
    assert contact.fields["notes_last_contacted"]
    gates = {task.gate_id: task for task in deal.tasks}
    assert set(gates) == {"budget_confirmed", "reason_confirmed"}  # scope: completed 21 days ago
    assert gates["budget_confirmed"].id == open_task and gates["budget_confirmed"].is_open
    assert not gates["reason_confirmed"].is_open
    assert gates["reason_confirmed"].completed_at is not None
    assert recent not in {task.id for task in deal.tasks}


def test_full_read_excludes_archived_deals(hs_empty: HubSpotSandbox) -> None:
    keep, gone = _deal(hs_empty, "keep"), _deal(hs_empty, "gone")
    hs_empty.store.archive("deals", gone)
    assert [deal.id for deal in connect(hs_empty).read_all(SPEC)] == [keep]


def test_read_asks_only_for_the_spec_properties(hs_empty: HubSpotSandbox) -> None:
    _deal(hs_empty)
    list(connect(hs_empty).read_all(SPEC))
    searches = [r for r in hs_empty.app.log if r.route == "deals.search"]
    assert b'"dealgate_' not in searches[-1].body
    assert b'"amount"' in searches[-1].body


def test_stages_carry_closed_won_and_probability(hs_empty: HubSpotSandbox) -> None:
    connector = connect(hs_empty)
    stages = {(s.pipeline, s.stage): s for s in connector.stages()}
    won, lost = stages[("default", "closedwon")], stages[("default", "closedlost")]
    assert won.is_closed and won.is_won and won.probability == 1.0
    assert lost.is_closed and not lost.is_won
    assert not stages[("default", "appointmentscheduled")].is_closed
    connector.stages()
    assert hs_empty.app.counts()["pipelines.list"] == 1  # cached for the run


def test_find_marker_tasks_reads_associations_not_search(hs_empty: HubSpotSandbox) -> None:
    hs = hs_empty
    hs.store.search_lag_seconds = 3600  # the search index has not caught up
    deal_id = _deal(hs)
    task_id = _task(hs, deal_id, "<p>dealgate:budget_confirmed</p>", status="COMPLETED")
    found = connect(hs).find_marker_tasks([deal_id])
    assert [(t.id, t.gate_id, t.is_open) for t in found[deal_id]] == [
        (task_id, "budget_confirmed", False)
    ]
    assert search_calls(hs, "tasks") == 0


def test_owners_include_deactivated_ones(hs_empty: HubSpotSandbox) -> None:
    active = hs_empty.store.add_owner("Emily", "Chen")
    gone = hs_empty.store.add_owner("Ken", "Sato", archived=True)
    owners = connect(hs_empty).owners()
    assert owners[active].active and owners[active].name == "Emily Chen"
    assert not owners[gone].active


def test_existing_fields_name_deal_and_contact_properties(hs_sandbox: HubSpotSandbox) -> None:
    fields = connect(hs_sandbox).existing_fields()
    assert {"dealstage", "dealgate_budget_status", "contact.notes_last_contacted"} <= fields
    assert "notes_last_contacted" not in fields
