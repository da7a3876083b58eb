"""Writes through simple-salesforce: sObject CRUD, validation, sObject Collections, describe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from sandbox import salesforce
from tests.fixtures.salesforce import sf_client

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)


class Org:
    def __init__(self, sandbox: salesforce.SalesforceSandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.sf: Salesforce = sf_client(sandbox)
        self.clock = T0
        self.store.now = lambda: self.clock
        self.owner = self.store.insert("User", {"Name": "Ann", "Email": "ann@x.example"})
        self.gone = self.store.insert(
            "User", {"Name": "Gone", "Email": "gone@x.example", "IsActive": False}
        )
        self.deal = self.store.insert(
            "Opportunity",
            {
                "Name": "Alpha",
                "StageName": "Prospecting",
                "CloseDate": "2026-12-01",
                "OwnerId": self.owner,
            },
        )
        self.contact = self.store.insert("Contact", {"FirstName": "Hana", "LastName": "Mori"})

    def tick(self, minutes: int = 1) -> None:
        self.clock += timedelta(minutes=minutes)

    def task(self, **fields: Any) -> dict[str, Any]:
        return {
            "attributes": {"type": "Task"},
            "Subject": "Confirm budget",
            "WhatId": self.deal,
            **fields,
        }


@pytest.fixture
def org(sf_empty: salesforce.SalesforceSandbox) -> Iterator[Org]:
    yield Org(sf_empty)


def save_errors(org: Org, fields: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        org.sf.Task.create(fields)
    errors: list[dict[str, Any]] = caught.value.content
    return errors


def test_task_create_applies_org_defaults_and_derives_closed_fields(org: Org) -> None:
    created = org.sf.Task.create(
        {"Subject": "Call", "WhatId": org.deal, "OwnerId": org.owner, "ActivityDate": "2026-11-30"}
    )
    assert created["success"] is True and created["id"].startswith("00T")
    task = org.sf.Task.get(created["id"])
    assert (task["Status"], task["Priority"], task["IsClosed"]) == ("Not Started", "Normal", False)
    assert task["ActivityDate"] == "2026-11-30" and task["CompletedDateTime"] is None
    assert task["CreatedDate"] == "2026-11-27T04:00:00.000+0000"


def test_completing_a_task_sets_closed_and_completion_time_and_bumps_only_the_task(
    org: Org,
) -> None:
    task_id = org.sf.Task.create({"Subject": "Call", "WhatId": org.deal})["id"]
    deal_before = org.store.get("Opportunity", org.deal)
    org.tick(5)
    assert org.sf.Task.update(task_id, {"Status": "Completed"}) == 204
    task = org.sf.Task.get(task_id)
    assert task["IsClosed"] is True
    assert task["CompletedDateTime"] == task["SystemModstamp"] == "2026-11-27T04:05:00.000+0000"
    assert org.store.get("Opportunity", org.deal) == deal_before
    org.sf.Task.update(task_id, {"Status": "In Progress"})
    reopened = org.sf.Task.get(task_id)
    assert reopened["IsClosed"] is False and reopened["CompletedDateTime"] is None


def test_a_new_contact_role_does_not_touch_the_opportunity(org: Org) -> None:
    before = org.sf.Opportunity.get(org.deal)["SystemModstamp"]
    org.tick(3)
    org.store.insert(
        "OpportunityContactRole",
        {"OpportunityId": org.deal, "ContactId": org.contact, "Role": "Decision Maker"},
    )
    assert org.sf.Opportunity.get(org.deal)["SystemModstamp"] == before


def test_opportunity_stage_drives_closed_won_and_probability(org: Org) -> None:
    org.sf.Opportunity.update(org.deal, {"StageName": "Closed Won"})
    deal = org.sf.Opportunity.get(org.deal)
    assert (deal["IsClosed"], deal["IsWon"], deal["Probability"]) == (True, True, 100.0)


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"WhatId": "006000000000000AAA"}, "INVALID_CROSS_REFERENCE_KEY", "WhatId"),
        ({"WhatId": "bogus"}, "MALFORMED_ID", "WhatId"),
        ({"WhoId": "006000000000000AAA"}, "FIELD_INTEGRITY_EXCEPTION", "WhoId"),
        ({"Status": "Done"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status"),
        ({"Priority": None}, "REQUIRED_FIELD_MISSING", "Priority"),
        ({"Subject": "x" * 256}, "STRING_TOO_LONG", "Subject"),
        ({"IsClosed": True}, "INVALID_FIELD_FOR_INSERT_UPDATE", "IsClosed"),
    ],
)
def test_invalid_task_is_refused_with_salesforce_error(
    org: Org, fields: dict[str, Any], code: str, field: str
) -> None:
    errors = save_errors(org, {"Subject": "x", "WhatId": org.deal, **fields})
    assert errors[0]["errorCode"] == code
    assert field in errors[0]["fields"]


def test_task_for_an_inactive_owner_is_refused(org: Org) -> None:
    errors = save_errors(org, {"Subject": "x", "WhatId": org.deal, "OwnerId": org.gone})
    assert errors[0]["errorCode"] == "INACTIVE_OWNER_OR_USER"


def test_unreadable_payloads_fail_the_whole_request(org: Org) -> None:
    assert save_errors(org, {"Nope__c": 1})[0]["errorCode"] == "INVALID_FIELD"
    assert save_errors(org, {"ActivityDate": "soon"})[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_get_and_delete_of_missing_or_deleted_records_are_404(org: Org) -> None:
    task_id = org.sf.Task.create({"Subject": "x", "WhatId": org.deal})["id"]
    assert org.sf.Task.delete(task_id) == 204
    with pytest.raises(SalesforceResourceNotFound):
        org.sf.Task.get(task_id)
    with pytest.raises(SalesforceResourceNotFound):
        org.sf.Task.delete(task_id)
    assert org.store.get("Task", task_id)["IsDeleted"] is True


def test_collection_create_returns_one_result_per_record_in_order(org: Org) -> None:
    records = [
        org.task(Subject="one"),
        org.task(WhatId="006000000000000AAA"),
        org.task(OwnerId=org.gone),
        org.task(Subject="four"),
    ]
    results = org.sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": False, "records": records}
    )
    assert [r["success"] for r in results] == [True, False, False, True]
    assert results[1]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert results[2]["errors"][0]["statusCode"] == "INACTIVE_OWNER_OR_USER"
    assert "id" not in results[1]
    subjects = {org.store.get("Task", r["id"])["Subject"] for r in results if r["success"]}
    assert subjects == {"one", "four"}


def test_collection_all_or_none_rolls_everything_back(org: Org) -> None:
    records = [org.task(Subject="one"), org.task(Status="Bogus")]
    results = org.sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
    )
    assert [r["success"] for r in results] == [False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert list(org.store.records("Task")) == []


def test_collection_update_and_delete(org: Org) -> None:
    created = org.sf.restful(
        "composite/sobjects", method="POST", json={"records": [org.task(), org.task()]}
    )
    ids = [r["id"] for r in created]
    updates = [
        {"attributes": {"type": "Task"}, "id": ids[0], "Status": "Completed"},
        {"attributes": {"type": "Task"}, "id": "00T000000000000AAA", "Status": "Completed"},
        {"attributes": {"type": "Task"}, "Status": "Completed"},
    ]
    results = org.sf.restful(
        "composite/sobjects", method="PATCH", json={"allOrNone": False, "records": updates}
    )
    assert [r["success"] for r in results] == [True, False, False]
    assert results[0]["id"] == ids[0]
    assert results[2]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert org.store.get("Task", ids[0])["IsClosed"] is True
    deleted = org.sf.restful("composite/sobjects", method="DELETE", params={"ids": ids[1]})
    assert deleted == [{"id": ids[1], "success": True, "errors": []}]


def test_collections_take_at_most_200_records(org: Org) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        org.sf.restful(
            "composite/sobjects", method="POST", json={"records": [org.task() for _ in range(201)]}
        )
    assert caught.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert list(org.store.records("Task")) == []


def test_describe_lists_fields_with_picklists_and_tracks_removed_custom_fields(org: Org) -> None:
    task = {f["name"]: f for f in org.sf.Task.describe()["fields"]}
    assert [v["value"] for v in task["Status"]["picklistValues"]] == [
        "Not Started",
        "In Progress",
        "Completed",
        "Waiting on someone else",
        "Deferred",
    ]
    assert task["IsClosed"]["updateable"] is False and task["Subject"]["createable"] is True
    opportunity = {f["name"] for f in org.sf.Opportunity.describe()["fields"]}
    assert {"Budget_Status__c", "Approval_Status__c", "Delivery_Done__c"} <= opportunity
    org.store.remove_field("Opportunity", "Budget_Status__c")
    assert "Budget_Status__c" not in {f["name"] for f in org.sf.Opportunity.describe()["fields"]}
    roles = {f["name"]: f for f in org.sf.OpportunityContactRole.describe()["fields"]}
    assert "Decision Maker" in [v["value"] for v in roles["Role"]["picklistValues"]]
    assert org.sf.Contact.describe()["keyPrefix"] == "003"


def test_global_describe_lists_each_objects_permissions_like_salesforce(org: Org) -> None:
    listed = {item["name"]: item for item in org.sf.describe()["sobjects"]}
    task = listed["Task"]
    for flag in ("queryable", "createable", "updateable", "deletable", "retrieveable"):
        assert task[flag] is True, flag
    assert listed["OpportunityStage"]["updateable"] is False
    assert listed["OpportunityStage"]["createable"] is False


def test_an_object_the_user_may_not_edit_refuses_updates_per_record(org: Org) -> None:
    created = org.sf.Task.create(org.task())
    org.store.schema["Task"].updateable = False
    listed = {item["name"]: item for item in org.sf.describe()["sobjects"]}
    assert listed["Task"]["updateable"] is False
    answer = org.sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "Task"}, "id": created["id"], "Status": "Completed"}
            ]
        },
    )
    assert answer[0]["success"] is False
    assert answer[0]["errors"][0]["statusCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
