"""Writing tasks to the sandbox org: collections batches, refusals per record, safe retries."""

from __future__ import annotations

from datetime import date

from connector.base import Priority, TaskComplete, TaskCreate
from connector.markers import find_marker
from sandbox.http import Fault
from sandbox.salesforce import SalesforceSandbox
from tests.connector.salesforce.conftest import Connect, add_deal, add_task, add_user

DUE = date(2026, 12, 1)


def _create(deal: str, owner: str, gate: str = "budget_confirmed") -> TaskCreate:
    return TaskCreate(
        deal, gate, owner, "Confirm the budget", "Ask who holds the budget.", DUE, Priority.HIGH
    )


def test_201_creates_take_two_calls_and_a_refused_record_does_not_fail_the_batch(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    gone = add_user(org, "Former Rep", active=False)
    deals = [add_deal(org, owner, f"Deal {n}") for n in range(201)]
    creates = [_create(deal, owner) for deal in deals]
    creates[150] = _create(deals[150], gone)
    wired = connect(org)

    results = wired.connector.write(creates, [])

    assert org.app.counts() == {"collections.create": 2}
    assert wired.connector.api_calls == 2
    assert [(r.deal_id, r.op) for r in results] == [(d, "create") for d in deals]
    refused = results.pop(150)
    assert (refused.ok, refused.error_code, refused.task_id) == (
        False,
        "INACTIVE_OWNER_OR_USER",
        None,
    )
    assert refused.message
    assert all(r.ok and r.task_id for r in results)
    task = org.store.get("Task", results[0].task_id or "")
    assert task is not None
    assert find_marker(task["Description"]) == "budget_confirmed"
    assert task["Description"].splitlines()[-1] == "dealgate:budget_confirmed"
    assert (task["WhatId"], task["OwnerId"], task["Status"], task["Priority"]) == (
        deals[0],
        owner,
        "Not Started",
        "High",
    )
    assert str(task["ActivityDate"]) == "2026-12-01"


def test_completing_sets_the_status_and_reports_each_task(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    deal = add_deal(org, owner, "Acme")
    task = add_task(org, deal, owner, "budget_confirmed")
    wired = connect(org)

    (done, missing) = wired.connector.write(
        [],
        [
            TaskComplete(task, deal, "budget_confirmed"),
            TaskComplete("00T5j000009ZZZZEAA", deal, "scope_confirmed"),
        ],
    )

    assert (done.op, done.ok, done.task_id) == ("complete", True, task)
    assert not missing.ok and missing.error_code
    stored = org.store.get("Task", task)
    assert stored is not None and stored["Status"] == "Completed" and stored["IsClosed"]
    assert org.app.counts() == {"collections.update": 1}


def test_a_create_batch_cut_off_in_flight_is_retried_without_duplicates(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    deals = [add_deal(org, owner, f"Deal {n}") for n in range(3)]
    org.app.inject("POST", "/composite/sobjects", Fault(drop=True), Fault(503, body=[]))
    wired = connect(org)

    results = wired.connector.write([_create(d, owner) for d in deals], [])

    assert all(r.ok for r in results)
    tasks = [t for t in org.store.records("Task") if not t["IsDeleted"]]
    assert sorted(t["WhatId"] for t in tasks) == sorted(deals)
    assert {r.task_id for r in results} == {t["Id"] for t in tasks}
    assert len(wired.slept) == 2
    # two failed posts, a marker check before each retry, then the post that worked
    assert org.app.counts()["query"] == 2
    assert wired.connector.api_calls == wired.calls() == 5


def test_tasks_that_reached_the_org_before_the_answer_was_lost_are_not_written_twice(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    first, second = add_deal(org, owner, "First"), add_deal(org, owner, "Second")
    already = add_task(org, first, owner, "budget_confirmed")
    org.app.inject("POST", "/composite/sobjects", Fault(502, body=[]))
    wired = connect(org)

    results = wired.connector.write([_create(first, owner), _create(second, owner)], [])

    assert [(r.deal_id, r.ok) for r in results] == [(first, True), (second, True)]
    assert results[0].task_id == already
    posted = [r for r in org.app.log if r.route == "collections.create"]
    assert len(posted) == 1 and posted[0].body.count(b"WhatId") == 1


def test_new_tasks_take_the_orgs_default_open_status_whatever_it_is_called(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    status = org.store.schema["Task"].fields["Status"]
    status.picklist, status.default = ("Open", "Completed"), "Open"  # no "Not Started" here
    owner = add_user(org)
    deal = add_deal(org, owner, "Acme")
    wired = connect(org)

    (created,) = wired.connector.write([_create(deal, owner)], [])

    assert created.ok, created.message
    task = org.store.get("Task", created.task_id or "")
    assert task is not None
    assert (task["Status"], task["IsClosed"]) == ("Open", False)
    (done,) = wired.connector.write([], [TaskComplete(created.task_id or "", deal, "x")])
    assert done.ok
    assert org.store.get("Task", created.task_id or "")["IsClosed"] is True  # type: ignore[index]


def test_a_body_and_subject_too_long_for_salesforce_are_cut_and_keep_the_marker(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    deal = add_deal(org, owner, "Deal long")
    long = TaskCreate(
        deal, "scope_confirmed", owner, "Subject " * 60, "Ask.\n" + "Why " * 12_000, DUE
    )
    [result] = connect(org).connector.write([long], [])
    assert result.ok, result.message
    task = org.store.get("Task", result.task_id or "")
    assert task is not None
    assert len(task["Description"]) <= 32_000 and len(task["Subject"]) <= 255
    assert task["Description"].splitlines()[-1] == "dealgate:scope_confirmed"
    assert find_marker(task["Description"]) == "scope_confirmed"
