"""Batch endpoints: the exact status codes hubspot-api-client matches, 207 partial failures."""

from __future__ import annotations

import pytest
from hubspot.crm.deals import (
    BatchInputSimplePublicObjectBatchInput,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectId,
)
from hubspot.crm.objects.tasks import (
    ApiException,
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchResponseSimplePublicObject,
    BatchResponseSimplePublicObjectWithErrors,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectBatchInputForCreate,
)

from sandbox.hubspot import HubSpotSandbox
from tests.fixtures.hubspot import hs_client


def _task(deal: str, owner: str, subject: str) -> SimplePublicObjectBatchInputForCreate:
    return SimplePublicObjectBatchInputForCreate(
        properties={
            "hs_timestamp": "2026-06-01T00:00:00.000Z",
            "hs_task_subject": subject,
            "hs_task_body": f"<p>{subject}</p><p>dealgate:scope_confirmed</p>",
            "hubspot_owner_id": owner,
            "hs_task_priority": "HIGH",
        },
        associations=[
            PublicAssociationsForObject(
                to=PublicObjectId(id=deal), types=[AssociationSpec("HUBSPOT_DEFINED", 216)]
            )
        ],
    )


def test_batch_read_answers_200_with_requested_properties(hs_sandbox: HubSpotSandbox) -> None:
    ids = hs_sandbox.store.ids("deals")[:5]
    answer = hs_client(hs_sandbox).crm.deals.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids],
            properties=["dealstage", "dealgate_budget_status"],
            properties_with_history=[],
        )
    )
    assert sorted(r.id for r in answer.results) == sorted(ids)
    assert all("dealgate_budget_status" in r.properties for r in answer.results)
    assert not getattr(answer, "errors", None)


def test_batch_read_of_missing_ids_is_207_with_errors(hs_sandbox: HubSpotSandbox) -> None:
    real = hs_sandbox.store.ids("deals")[0]
    answer = hs_client(hs_sandbox).crm.deals.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=real), SimplePublicObjectId(id="1")],
            properties=[],
            properties_with_history=[],
        )
    )
    assert [r.id for r in answer.results] == [real]
    assert answer.num_errors == 1
    assert answer.errors[0].category == "OBJECT_NOT_FOUND"
    assert answer.errors[0].context == {"ids": ["1"]}


def test_batch_create_answers_201_and_links_tasks_to_deals(hs_sandbox: HubSpotSandbox) -> None:
    store = hs_sandbox.store
    deals = store.ids("deals")[:3]
    owner = store.active_owner_ids()[0]
    answer = hs_client(hs_sandbox).crm.objects.tasks.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[_task(d, owner, f"Task for {d}") for d in deals]
        )
    )
    assert isinstance(answer, BatchResponseSimplePublicObject)  # None if the status were 200
    by_subject = {store.get("tasks", r.id)["hs_task_subject"]: r.id for r in answer.results}
    assert set(by_subject) == {f"Task for {d}" for d in deals}
    with store.lock:
        for deal in deals:
            assert int(by_subject[f"Task for {deal}"]) in store.linked("deals", int(deal), "tasks")


def test_batch_results_do_not_follow_input_order(hs_sandbox: HubSpotSandbox) -> None:
    deals = hs_sandbox.store.ids("deals")[:3]
    owner = hs_sandbox.store.active_owner_ids()[0]
    answer = hs_client(hs_sandbox).crm.objects.tasks.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[_task(d, owner, f"n{i}") for i, d in enumerate(deals)]
        )
    )
    subjects = [hs_sandbox.store.get("tasks", r.id)["hs_task_subject"] for r in answer.results]
    assert subjects == ["n2", "n1", "n0"]  # the sandbox answers in reverse, as documented


def test_batch_create_with_an_inactive_owner_is_a_207_partial_failure(
    hs_sandbox: HubSpotSandbox,
) -> None:
    store = hs_sandbox.store
    deal = store.ids("deals")[0]
    inactive = next(o.id for o in store.owners.values() if o.archived)
    active = store.active_owner_ids()[0]
    before = store.count("tasks")
    answer = hs_client(hs_sandbox).crm.objects.tasks.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[_task(deal, active, "ok"), _task(deal, inactive, "refused")]
        )
    )
    assert isinstance(answer, BatchResponseSimplePublicObjectWithErrors)
    assert len(answer.results) == 1 and answer.num_errors == 1
    assert answer.errors[0].category == "VALIDATION_ERROR"
    assert "hubspot_owner_id" in answer.errors[0].message
    assert store.count("tasks") == before + 1


def test_batch_create_where_every_input_fails_is_a_400(hs_sandbox: HubSpotSandbox) -> None:
    bad = SimplePublicObjectBatchInputForCreate(properties={"hs_task_subject": "no due date"})
    with pytest.raises(ApiException) as caught:
        hs_client(hs_sandbox).crm.objects.tasks.batch_api.create(
            BatchInputSimplePublicObjectBatchInputForCreate(inputs=[bad])
        )
    assert caught.value.status == 400


def test_batch_input_limit_is_100(hs_sandbox: HubSpotSandbox) -> None:
    owner = hs_sandbox.store.active_owner_ids()[0]
    deal = hs_sandbox.store.ids("deals")[0]
    with pytest.raises(ApiException) as caught:
        hs_client(hs_sandbox).crm.objects.tasks.batch_api.create(
            BatchInputSimplePublicObjectBatchInputForCreate(
                inputs=[_task(deal, owner, str(n)) for n in range(101)]
            )
        )
    assert caught.value.status == 400
    assert hs_sandbox.store.count("tasks") == 3


def test_batch_update_200_and_207_for_missing_ids(hs_sandbox: HubSpotSandbox) -> None:
    store = hs_sandbox.store
    first, second = store.ids("deals")[:2]
    batch = hs_client(hs_sandbox).crm.deals.batch_api
    ok = batch.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(id=first, properties={"amount": "10"}),
                SimplePublicObjectBatchInput(id=second, properties={"amount": "20"}),
            ]
        )
    )
    assert {r.id: r.properties["amount"] for r in ok.results} == {first: "10", second: "20"}
    partial = batch.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(id=first, properties={"amount": "11"}),
                SimplePublicObjectBatchInput(id="1", properties={"amount": "1"}),
            ]
        )
    )
    assert partial.num_errors == 1 and partial.errors[0].category == "OBJECT_NOT_FOUND"
    assert store.get("deals", first)["amount"] == "11"
