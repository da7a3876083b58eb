"""Associations v4, labels, pipelines, owners, properties and token info via the real client."""

from __future__ import annotations

import pytest
import requests
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.associations.v4.schema import PublicAssociationDefinitionCreateRequest
from hubspot.crm.deals import ApiException as DealsApiException
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties import Option, PropertyCreate

from sandbox.hubspot import HubSpotSandbox
from tests.fixtures.hubspot import hs_client


def _fetch(ids: list[str]) -> BatchInputPublicFetchAssociationsBatchRequest:
    return BatchInputPublicFetchAssociationsBatchRequest(
        inputs=[PublicFetchAssociationsBatchRequest(id=i) for i in ids]
    )


def test_batch_read_of_deal_contacts_carries_role_and_stance_labels(
    hs_sandbox: HubSpotSandbox,
) -> None:
    first = hs_sandbox.store.ids("deals")[0]
    answer = hs_client(hs_sandbox).crm.associations.v4.batch_api.get_page(
        "deals", "contacts", _fetch([first])
    )
    assert answer.results[0]._from.id == first
    labels = {t.label for to in answer.results[0].to for t in to.association_types}
    assert "Decision maker" in labels
    assert labels & {"Supporter", "Cooperator", "Neutral", "Non-cooperative", "Opponent"}
    categories = {t.category for to in answer.results[0].to for t in to.association_types}
    assert categories == {"HUBSPOT_DEFINED", "USER_DEFINED"}


def test_batch_read_reports_objects_without_associations_as_207_errors(
    hs_empty: HubSpotSandbox,
) -> None:
    store = hs_empty.store
    deal, lonely = store.create("deals", {}), store.create("deals", {})
    task = store.create("tasks", {"hs_timestamp": "2026-01-01"})
    store.associate("tasks", task, "deals", deal)
    answer = hs_client(hs_empty).crm.associations.v4.batch_api.get_page(
        "deals", "tasks", _fetch([deal, lonely])
    )
    assert [(r._from.id, [to.to_object_id for to in r.to]) for r in answer.results] == [
        (deal, [task])
    ]
    assert answer.num_errors == 1 and answer.errors[0].context == {"fromId": [lonely]}
    types = answer.results[0].to[0].association_types
    assert [(t.category, t.type_id) for t in types] == [("HUBSPOT_DEFINED", 215)]


def test_labels_read_and_create(hs_empty: HubSpotSandbox) -> None:
    schema = hs_client(hs_empty).crm.associations.v4.schema.definitions_api
    before = schema.get_all("deals", "contacts").results
    assert [(t.category, t.type_id, t.label) for t in before] == [("HUBSPOT_DEFINED", 3, None)]
    created = schema.create(
        "deals",
        "contacts",
        PublicAssociationDefinitionCreateRequest(label="Decision maker", name="decision_maker"),
    )
    forward = created.results[0]
    assert (forward.category, forward.label) == ("USER_DEFINED", "Decision maker")
    after = schema.get_all("deals", "contacts").results
    assert forward.type_id in {t.type_id for t in after}
    inverse = schema.get_all("contacts", "deals").results
    assert "Decision maker" in {t.label for t in inverse}


def test_put_creates_a_labelled_association_without_touching_the_deal(
    hs_sandbox: HubSpotSandbox,
) -> None:
    store = hs_sandbox.store
    deal = store.ids("deals")[0]
    contact = store.create("contacts", {"firstname": "New"})
    modified = store.get("deals", deal)["hs_lastmodifieddate"]
    approver = store.associations.find_label("deals", "contacts", "Approver")
    assert approver is not None
    result = hs_client(hs_sandbox).crm.associations.v4.basic_api.create(
        "deals", deal, "contacts", contact, [AssociationSpec("USER_DEFINED", approver.type_id)]
    )
    assert (result.from_object_type_id, result.to_object_type_id) == ("0-3", "0-1")
    assert result.labels == ["Approver"]
    assert store.get("deals", deal)["hs_lastmodifieddate"] == modified


def test_pipelines_have_standard_stage_ids_and_metadata(hs_empty: HubSpotSandbox) -> None:
    pipelines = hs_client(hs_empty).crm.pipelines.pipelines_api.get_all("deals").results
    by_id = {p.id: p for p in pipelines}
    assert set(by_id) == {"default", "renewals"}
    stages = {s.id: s.metadata for s in by_id["default"].stages}
    assert list(stages) == [
        "appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
        "decisionmakerboughtin", "contractsent", "closedwon", "closedlost",
    ]  # fmt: skip
    assert stages["closedwon"] == {"isClosed": "true", "probability": "1.0"}
    assert stages["qualifiedtobuy"]["isClosed"] == "false"


def test_owners_active_archived_and_paging(hs_sandbox: HubSpotSandbox) -> None:
    owners = hs_client(hs_sandbox).crm.owners.owners_api
    first = owners.get_page(limit=3)
    rest = owners.get_page(limit=3, after=first.paging.next.after)
    active = first.results + rest.results
    assert len(active) == 4 and rest.paging is None
    archived = owners.get_page(archived=True).results
    assert [o.archived for o in archived] == [True]
    assert archived[0].user_id is None and archived[0].user_id_including_inactive


def test_properties_list_get_create_and_conflict(hs_empty: HubSpotSandbox) -> None:
    core = hs_client(hs_empty).crm.properties.core_api
    names = {p.name for p in core.get_all("deals").results}
    assert {"dealname", "dealstage", "hs_lastmodifieddate"} <= names
    assert "dealgate_budget_status" not in names
    created = core.create(
        "deals",
        PropertyCreate(
            name="dealgate_budget_status",
            label="Budget status",
            type="enumeration",
            field_type="select",
            group_name="dealinformation",
            options=[Option(label="Confirmed", value="confirmed", hidden=False)],
        ),
    )
    assert created.hubspot_defined is False
    fetched = core.get_by_name("deals", "dealgate_budget_status")
    assert [o.value for o in fetched.options] == ["confirmed"]
    with pytest.raises(PropertiesApiException) as caught:
        core.create(
            "deals",
            PropertyCreate(
                name="dealgate_budget_status", label="x", type="string", field_type="text",
                group_name="dealinformation",
            ),
        )  # fmt: skip
    assert caught.value.status == 409


def test_deleted_property_disappears_from_reads_and_refuses_writes(
    hs_sandbox: HubSpotSandbox,
) -> None:
    from hubspot.crm.deals import SimplePublicObjectInput

    hs_sandbox.store.delete_property("deals", "dealgate_why_us")
    deal = hs_sandbox.store.ids("deals")[0]
    deals = hs_client(hs_sandbox).crm.deals.basic_api
    assert "dealgate_why_us" not in deals.get_by_id(deal, properties=["dealgate_why_us"]).properties
    with pytest.raises(DealsApiException) as caught:
        deals.update(deal, SimplePublicObjectInput(properties={"dealgate_why_us": "x"}))
    assert "PROPERTY_DOESNT_EXIST" in str(caught.value.body)


def test_private_app_token_info_lists_the_configured_scopes(hs_empty: HubSpotSandbox) -> None:
    hs_empty.store.scopes = {"crm.objects.deals.read"}
    answer = requests.post(
        f"{hs_empty.url}/oauth/v2/private-apps/get/access-token-info",
        json={"tokenKey": hs_empty.token},
        timeout=5,
    )
    assert answer.status_code == 200
    assert answer.json()["scopes"] == ["crm.objects.deals.read"]
    # The OAuth endpoint knows OAuth access tokens only, as HubSpot's does.
    with pytest.raises(Exception, match="Not Found"):
        hs_client(hs_empty).oauth.access_tokens_api.get(hs_empty.token)


def test_a_missing_scope_is_a_403(hs_empty: HubSpotSandbox) -> None:
    hs_empty.store.scopes.discard("crm.objects.deals.write")
    from hubspot.crm.deals import SimplePublicObjectInputForCreate

    deals = hs_client(hs_empty).crm.deals.basic_api
    assert deals.get_page().results == []  # reading is still allowed
    with pytest.raises(DealsApiException) as caught:
        deals.create(SimplePublicObjectInputForCreate(properties={"dealname": "x"}))
    assert caught.value.status == 403
    assert "MISSING_SCOPES" in str(caught.value.body)


def test_task_writes_need_the_tasks_or_the_contacts_scope(hs_empty: HubSpotSandbox) -> None:
    hs_empty.store.scopes -= {"crm.objects.tasks.write", "crm.objects.contacts.write"}
    body = {"properties": {"hs_task_subject": "x", "hs_timestamp": "2026-12-01T12:00:00.000Z"}}
    url = f"{hs_empty.url}/crm/v3/objects/tasks"
    headers = {"Authorization": f"Bearer {hs_empty.token}"}
    refused = requests.post(url, json=body, headers=headers, timeout=5)
    assert refused.status_code == 403
    (detail,) = refused.json()["errors"]
    assert detail["context"]["requiredGranularScopes"] == [
        "crm.objects.tasks.write",
        "crm.objects.contacts.write",
    ]
    hs_empty.store.scopes.add("crm.objects.tasks.write")
    assert requests.post(url, json=body, headers=headers, timeout=5).status_code == 201
