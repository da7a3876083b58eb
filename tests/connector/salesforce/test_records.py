"""Salesforce JSON into raw deals, contacts and marker tasks; task writes and their results."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connector.base import Priority, ReadSpec, TaskComplete, TaskCreate
from connector.salesforce.records import child_page, raw_deal
from connector.salesforce.writer import batches, create_record, save_results

SPEC = ReadSpec(
    deal_fields=("Name", "Budget_Status__c"),
    contact_fields=("LastActivityDate",),
    role_fields=("Role", "Stance__c"),
)

RECORD = {
    "attributes": {"type": "Opportunity", "url": "/services/data/v59.0/sobjects/Opportunity/006A"},
    "Id": "006A",
    "StageName": "Qualification",
    "SystemModstamp": "2026-11-27T04:00:00.000+0000",
    "Name": "Acme rollout",
    "Budget_Status__c": "confirmed",
    "OpportunityContactRoles": {
        "totalSize": 2,
        "done": True,
        "records": [
            {
                "attributes": {"type": "OpportunityContactRole"},
                "ContactId": "003A",
                "Role": "Decision Maker",
                "Stance__c": "supporter",
                "Contact": {
                    "attributes": {"type": "Contact"},
                    "Name": "Aiko Sato",
                    "LastActivityDate": "2026-11-20",
                },
            },
            {"attributes": {}, "ContactId": "003B", "Role": None, "Contact": None},
        ],
    },
    "Tasks": {
        "totalSize": 2,
        "done": False,
        "nextRecordsUrl": "/services/data/v59.0/query/01gX-2",
        "records": [
            {
                "attributes": {"type": "Task"},
                "Id": "00TA",
                "Subject": "Confirm the budget",
                "Description": "Ask the CFO.\n\ndealgate:budget_confirmed",
                "IsClosed": False,
                "OwnerId": "005A",
                "CreatedDate": "2026-11-01T09:00:00.000+0000",
                "CompletedDateTime": None,
            },
            {"attributes": {}, "Id": "00TB", "Description": "call back", "IsClosed": False},
        ],
    },
}


def test_a_record_becomes_a_raw_deal() -> None:
    roles, _ = child_page(RECORD, "OpportunityContactRoles")
    tasks, next_url = child_page(RECORD, "Tasks")
    assert next_url == "/services/data/v59.0/query/01gX-2"
    deal = raw_deal(RECORD, roles, tasks, SPEC)
    assert deal.id == "006A"
    assert deal.stage == "Qualification"
    assert deal.pipeline is None
    assert deal.fields["Budget_Status__c"] == "confirmed"
    assert "OpportunityContactRoles" not in deal.fields
    assert deal.modified_at == datetime(2026, 11, 27, 4, tzinfo=UTC)
    first, second = deal.contacts
    assert first.id == "003A"
    assert first.labels == ("Decision Maker",)
    assert first.fields == {
        "Role": "Decision Maker",
        "Stance__c": "supporter",
        "Name": "Aiko Sato",
        "LastActivityDate": "2026-11-20",
    }
    assert second.labels == ()
    (task,) = deal.tasks  # the unmarked task is not dealgate's
    assert task.id == "00TA"
    assert task.gate_id == "budget_confirmed"
    assert task.is_open
    assert task.created_at == datetime(2026, 11, 1, 9, tzinfo=UTC)


def test_parent_records_flatten_into_dotted_names_and_compound_values_stay_whole() -> None:
    record = {
        **RECORD,
        "Owner": {
            "attributes": {"type": "User"},
            "Name": "Kenji Mori",
            "Manager": {"attributes": {"type": "User"}, "Name": "Emi Ueda"},
        },
        "Delivery_Address__c": {"city": "Osaka", "country": "JP"},  # compound, no attributes
    }
    fields = raw_deal(record, [], [], SPEC).fields
    assert fields["Owner.Name"] == "Kenji Mori"
    assert fields["Owner.Manager.Name"] == "Emi Ueda"
    assert "Owner" not in fields and "attributes" not in fields and "Tasks" not in fields
    assert fields["Delivery_Address__c"] == {"city": "Osaka", "country": "JP"}
    assert fields["Budget_Status__c"] == "confirmed"


def test_a_created_task_carries_the_marker_on_its_own_line() -> None:
    task = TaskCreate(
        "006A",
        "budget_confirmed",
        "005A",
        "S" * 300,
        "Ask the CFO.",
        date(2026, 12, 1),
        Priority.HIGH,
    )
    record = create_record(task)
    assert record["Description"].splitlines()[-1] == "dealgate:budget_confirmed"
    assert len(record["Subject"]) == 255
    assert record["WhatId"] == "006A"
    assert record["ActivityDate"] == "2026-12-01"
    assert record["Priority"] == "High"
    assert "Status" not in record  # the org's default open status, whatever its name
    assert record["attributes"] == {"type": "Task"}


def test_save_results_keep_input_order_and_refusals() -> None:
    items = [
        TaskCreate("006A", "g1", "005A", "s", "b", date(2026, 12, 1)),
        TaskCreate("006B", "g2", "005X", "s", "b", date(2026, 12, 1)),
    ]
    answer = [
        {"id": "00T1", "success": True, "errors": []},
        {
            "id": None,
            "success": False,
            "errors": [
                {
                    "statusCode": "INACTIVE_OWNER_OR_USER",
                    "message": "owner is inactive",
                    "fields": [],
                }
            ],
        },
    ]
    ok, refused = save_results("create", items, answer)
    assert (ok.ok, ok.task_id, ok.deal_id) == (True, "00T1", "006A")
    assert (refused.ok, refused.error_code, refused.message) == (
        False,
        "INACTIVE_OWNER_OR_USER",
        "owner is inactive",
    )


def test_a_completion_result_names_the_task() -> None:
    (result,) = save_results(
        "complete", [TaskComplete("00T1", "006A", "g1")], [{"id": "00T1", "success": True}]
    )
    assert (result.op, result.task_id, result.ok) == ("complete", "00T1", True)


@pytest.mark.parametrize("answer", [[], None, {}], ids=["short", "null", "object"])
def test_an_unreadable_answer_refuses_nothing_and_tells_nothing(answer: object) -> None:
    # no result at all: the engine settles the items by marker or at the next read
    assert save_results("complete", [TaskComplete("00T1", "006A", "g1")], answer) == []


def test_batches_of_200() -> None:
    assert [len(b) for b in batches(list(range(401)))] == [200, 200, 1]
