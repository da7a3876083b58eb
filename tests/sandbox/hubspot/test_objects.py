"""Single-record endpoints driven by the real hubspot-api-client (responses validated)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hubspot.crm.deals import ApiException as DealsApiException
from hubspot.crm.deals import SimplePublicObjectInput, SimplePublicObjectInputForCreate
from hubspot.crm.objects.tasks import ApiException as TasksApiException
from hubspot.crm.objects.tasks import AssociationSpec, PublicAssociationsForObject, PublicObjectId
from hubspot.crm.objects.tasks import (
    SimplePublicObjectInputForCreate as TaskInput,
)

from sandbox.hubspot import HubSpotSandbox
from tests.fixtures.hubspot import hs_client


def _body(exc: Exception) -> str:
    return str(getattr(exc, "body", ""))


def test_list_pages_through_every_demo_deal(hs_sandbox: HubSpotSandbox) -> None:
    deals = hs_client(hs_sandbox).crm.deals.basic_api
    seen: list[str] = []
    after = None
    while True:
        page = deals.get_page(limit=15, after=after, properties=["dealname", "dealstage"])
        seen.extend(d.id for d in page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert len(seen) == len(set(seen)) == 40
    assert sorted(seen) == sorted(hs_sandbox.store.ids("deals"))


def test_list_returns_requested_properties_with_null_for_unset_ones(
    hs_empty: HubSpotSandbox,
) -> None:
    hs_empty.store.create("deals", {"dealname": "Only a name"})
    page = hs_client(hs_empty).crm.deals.basic_api.get_page(properties=["dealname", "amount"])
    props = page.results[0].properties
    assert props["dealname"] == "Only a name"
    assert props["amount"] is None
    assert {"hs_object_id", "createdate", "hs_lastmodifieddate"} <= set(props)


def test_list_includes_labelled_associations(hs_sandbox: HubSpotSandbox) -> None:
    page = hs_client(hs_sandbox).crm.deals.basic_api.get_page(limit=1, associations=["contacts"])
    types = {a.type for a in page.results[0].associations["contacts"].results}
    assert "deal_to_contact" in types
    assert "decision_maker" in types


def test_archived_deals_are_listed_only_with_archived_true(hs_empty: HubSpotSandbox) -> None:
    store = hs_empty.store
    kept, gone = store.create("deals", {"dealname": "kept"}), store.create("deals", {})
    store.archive("deals", gone)
    deals = hs_client(hs_empty).crm.deals.basic_api
    assert [d.id for d in deals.get_page().results] == [kept]
    archived = deals.get_page(archived=True).results
    assert [d.id for d in archived] == [gone]
    assert archived[0].archived is True and archived[0].archived_at is not None


def test_get_by_id_and_by_id_property(hs_empty: HubSpotSandbox) -> None:
    deal = hs_empty.store.create("deals", {"dealname": "Find me", "description": "x-42"})
    deals = hs_client(hs_empty).crm.deals.basic_api
    assert deals.get_by_id(deal).properties["dealname"] == "Find me"
    found = deals.get_by_id("x-42", id_property="description", properties=["dealname"])
    assert found.id == deal


def test_get_of_a_missing_deal_is_a_hubspot_404(hs_empty: HubSpotSandbox) -> None:
    with pytest.raises(DealsApiException) as caught:
        hs_client(hs_empty).crm.deals.basic_api.get_by_id("999")
    assert caught.value.status == 404
    assert '"category": "OBJECT_NOT_FOUND"' in _body(caught.value)


def test_create_normalizes_values_to_hubspot_strings(hs_empty: HubSpotSandbox) -> None:
    hs_empty.store.set_time(datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC))
    created = hs_client(hs_empty).crm.deals.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"dealname": "New", "amount": "1200.50", "closedate": "1767225600000"}
        )
    )
    assert created.properties["createdate"] == "2026-03-01T12:00:00.250Z"
    stored = hs_empty.store.get("deals", created.id)
    assert stored["closedate"] == "2026-01-01T00:00:00.000Z"
    assert stored["amount"] == "1200.50"


def test_update_bumps_last_modified_and_refuses_unknown_properties(
    hs_empty: HubSpotSandbox,
) -> None:
    store = hs_empty.store
    store.set_time(datetime(2026, 1, 1, tzinfo=UTC))
    deal = store.create("deals", {"dealname": "Before"})
    store.set_time(datetime(2026, 1, 2, tzinfo=UTC))
    deals = hs_client(hs_empty).crm.deals.basic_api
    updated = deals.update(deal, SimplePublicObjectInput(properties={"dealname": "After"}))
    assert updated.properties["hs_lastmodifieddate"] == "2026-01-02T00:00:00.000Z"
    with pytest.raises(DealsApiException) as caught:
        deals.update(deal, SimplePublicObjectInput(properties={"no_such_field": "1"}))
    assert caught.value.status == 400
    assert "PROPERTY_DOESNT_EXIST" in _body(caught.value)


def test_invalid_stage_for_the_pipeline_is_refused(hs_sandbox: HubSpotSandbox) -> None:
    deals = hs_client(hs_sandbox).crm.deals.basic_api
    with pytest.raises(DealsApiException) as caught:
        deals.create(
            SimplePublicObjectInputForCreate(
                properties={"dealname": "x", "pipeline": "renewals", "dealstage": "closedwon"}
            )
        )
    assert caught.value.status == 400
    assert "INVALID_OPTION" in _body(caught.value)


def test_task_without_hs_timestamp_is_a_validation_error(hs_sandbox: HubSpotSandbox) -> None:
    tasks = hs_client(hs_sandbox).crm.objects.tasks.basic_api
    with pytest.raises(TasksApiException) as caught:
        tasks.create(TaskInput(properties={"hs_task_subject": "No due date"}))
    assert caught.value.status == 400
    assert '"category": "VALIDATION_ERROR"' in _body(caught.value)
    assert "hs_timestamp" in _body(caught.value)


def test_task_created_with_inline_deal_association(hs_sandbox: HubSpotSandbox) -> None:
    deal = hs_sandbox.store.ids("deals")[0]
    owner = hs_sandbox.store.active_owner_ids()[0]
    task = hs_client(hs_sandbox).crm.objects.tasks.basic_api.create(
        TaskInput(
            properties={
                "hs_timestamp": "2026-05-01T00:00:00Z",
                "hs_task_subject": "Confirm budget",
                "hs_task_body": "<p>Ask</p><p>dealgate:budget_confirmed</p>",
                "hubspot_owner_id": owner,
            },
            associations=[
                PublicAssociationsForObject(
                    to=PublicObjectId(id=deal),
                    types=[AssociationSpec("HUBSPOT_DEFINED", 216)],
                )
            ],
        )
    )
    stored = hs_sandbox.store.get("tasks", task.id)
    assert stored["hs_task_status"] == "NOT_STARTED"
    with hs_sandbox.store.lock:
        assert 215 in hs_sandbox.store.linked("deals", int(deal), "tasks")[int(task.id)]


def test_completing_a_task_stamps_its_completion_date(hs_empty: HubSpotSandbox) -> None:
    store = hs_empty.store
    store.set_time(datetime(2026, 4, 1, 9, 30, tzinfo=UTC))
    task = store.create("tasks", {"hs_timestamp": datetime(2026, 4, 3, tzinfo=UTC)})
    tasks = hs_client(hs_empty).crm.objects.tasks.basic_api
    from hubspot.crm.objects.tasks import SimplePublicObjectInput as TaskPatch

    done = tasks.update(task, TaskPatch(properties={"hs_task_status": "COMPLETED"}))
    assert done.properties["hs_task_completion_date"] == "2026-04-01T09:30:00.000Z"
    tasks.update(task, TaskPatch(properties={"hs_task_status": "IN_PROGRESS"}))
    assert "hs_task_completion_date" not in store.get("tasks", task)


def test_a_bad_token_gets_hubspots_401(hs_empty: HubSpotSandbox) -> None:
    from hubspot import HubSpot

    client = HubSpot(access_token="wrong", host=hs_empty.url, client_side_validation=True)
    with pytest.raises(DealsApiException) as caught:
        client.crm.deals.basic_api.get_page()
    assert caught.value.status == 401
    assert '"category": "INVALID_AUTHENTICATION"' in _body(caught.value)
