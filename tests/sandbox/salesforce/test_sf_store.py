"""The store, ids, seeds, the demo org and generated datasets, without HTTP."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sandbox.salesforce import query
from sandbox.salesforce.ids import IdFactory, to18
from sandbox.salesforce.seed import SeedError, load
from sandbox.salesforce.store import SalesforceStore

NOW = datetime(2026, 11, 27, 4, 13, 37, 123456, tzinfo=UTC)


def run(store: SalesforceStore, soql: str, *, deleted: bool = False) -> list[dict[str, object]]:
    result = query.run(
        store, query.Cursors(store), soql, include_deleted=deleted, batch=2000, version="59.0"
    )
    records: list[dict[str, object]] = result["records"]
    return records


def test_ids_have_real_prefixes_and_a_valid_18_character_checksum() -> None:
    new = IdFactory().new("006")
    assert len(new) == 18 and new.startswith("006") and to18(new[:15]) == new
    assert to18("001A0000006Vm9r") == "001A0000006Vm9rIAC"  # a documented example
    assert to18("not an id") is None


def test_store_clock_is_settable_and_equal_stamps_are_possible() -> None:
    store = SalesforceStore()
    store.now = lambda: NOW
    first = store.insert("Contact", {"LastName": "A"})
    second = store.insert("Contact", {"LastName": "B"})
    stamps = {store.get("Contact", i)["SystemModstamp"] for i in (first, second)}  # type: ignore[index]
    assert stamps == {NOW}


def test_deleting_a_deal_cascades_to_its_roles_and_tasks() -> None:
    store = SalesforceStore()
    deal = store.insert(
        "Opportunity", {"Name": "D", "StageName": "Prospecting", "CloseDate": date(2026, 12, 1)}
    )
    contact = store.insert("Contact", {"LastName": "C"})
    role = store.insert("OpportunityContactRole", {"OpportunityId": deal, "ContactId": contact})
    task = store.insert("Task", {"Subject": "T", "WhatId": deal})
    store.delete("Opportunity", deal)
    assert run(store, "SELECT Id FROM Task") == []
    assert [r["Id"] for r in run(store, "SELECT Id FROM Task", deleted=True)] == [task]
    assert store.get("OpportunityContactRole", role)["IsDeleted"] is True  # type: ignore[index]
    assert store.get("Contact", contact)["IsDeleted"] is False  # type: ignore[index]


def test_seed_mapping_resolves_refs_and_relative_dates(tmp_path: Path) -> None:
    store = SalesforceStore()
    store.now = lambda: NOW
    seed = {
        "User": [{"ref": "u", "Name": "U", "Email": "u@x.example"}],
        "Opportunity": [
            {
                "ref": "d",
                "Name": "D",
                "StageName": "Closed Won",
                "OwnerId": "@u",
                "CloseDate": "today-91",
                "SystemModstamp": "now-2",
            }
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"salesforce": seed}), encoding="utf-8")
    refs = load(store, str(path))
    deal = store.get("Opportunity", refs["d"])
    assert deal is not None
    assert deal["OwnerId"] == refs["u"] and deal["IsWon"] is True
    assert deal["CloseDate"] == date(2026, 8, 28)
    assert deal["SystemModstamp"] == datetime(2026, 11, 25, 4, 13, 37, 123000, tzinfo=UTC)


def test_a_bad_seed_names_the_record() -> None:
    with pytest.raises(SeedError, match=r"Opportunity\[0\].*Nope__c"):
        load(SalesforceStore(), {"Opportunity": [{"Name": "D", "Nope__c": 1}]})
    with pytest.raises(SeedError, match="unknown ref @who"):
        load(SalesforceStore(), {"Task": [{"OwnerId": "@who"}]})


def test_demo_org_covers_stages_owners_roles_stances_and_marker_tasks() -> None:
    store = SalesforceStore()
    load(store, "demo")
    deals = list(store.records("Opportunity"))
    assert 35 <= len(deals) <= 45
    stages = Counter(d["StageName"] for d in deals)
    assert len(stages) == 10
    today = store.today()
    won_ages = {(today - d["CloseDate"]).days > 90 for d in deals if d["StageName"] == "Closed Won"}
    assert won_ages == {True, False}
    users = list(store.records("User"))
    inactive = [u["Id"] for u in users if not u["IsActive"]]
    assert len(users) == 5 and len(inactive) == 1
    assert any(d["OwnerId"] == inactive[0] for d in deals)
    roles = list(store.records("OpportunityContactRole"))
    assert {r["Role"] for r in roles} >= {"Decision Maker", "Economic Buyer", "Influencer", "Other"}
    assert {r["Stance__c"] for r in roles} >= {"supporter", "opponent", "non_cooperative"}
    contacts = list(store.records("Contact"))
    assert 70 <= len(contacts) <= 90
    ages = [(today - c["LastActivityDate"]).days for c in contacts if c["LastActivityDate"]]
    assert min(ages) < 30 and max(ages) > 90
    markers = [
        t
        for t in store.records("Task")
        if "dealgate:budget_confirmed" in (t["Description"] or "").splitlines()
    ]
    assert sorted(t["IsClosed"] for t in markers) == [False, True]
    assert any(
        "国際工業株式会社" in d["Name"] and "ICタグを利用した物流在庫管理システム" in d["Name"]
        for d in deals
    )


@pytest.mark.parametrize("field", ["Decision_Process__c", "Project_Scope__c", "Why_Us__c"])
def test_demo_text_evidence_passes_on_some_deals_and_fails_on_others(field: str) -> None:
    store = SalesforceStore()
    load(store, "demo")
    values = [d[field] for d in store.records("Opportunity")]
    placeholders = {None, "", "tbd", "未定", "n/a", "-", "?", "不明", "なし", "tbc"}
    real = [
        v for v in values if v is not None and v.strip().rstrip(".!?").lower() not in placeholders
    ]
    assert 0 < len(real) < len(values)


def test_demo_evidence_picklists_and_checkboxes_vary() -> None:
    store = SalesforceStore()
    load(store, "demo")
    deals = list(store.records("Opportunity"))
    assert {d["Budget_Status__c"] for d in deals} >= {"confirmed", "estimated", "unknown"}
    assert {d["Approval_Status__c"] for d in deals} >= {
        "drafted",
        "approved",
        "not_started",
        "rejected",
    }
    for flag in ("Technical_Fit__c", "Invoice_Sent__c", "Delivery_Done__c", "Informal_Award__c"):
        assert {d[flag] for d in deals} == {True, False}, flag


def test_generate_builds_consistent_deals_with_children() -> None:
    store = SalesforceStore()
    store.now = lambda: NOW
    ids = store.generate(50, contacts_per_deal=2, tasks_per_deal=1, seed=7)
    assert len(ids) == 50 and len(set(ids)) == 50
    records = run(
        store,
        "SELECT Id, IsClosed, StageName, Owner.Name, "
        "(SELECT Contact.Name FROM OpportunityContactRoles), "
        "(SELECT Status, IsClosed FROM Tasks) FROM Opportunity",
    )
    assert len(records) == 50
    for record in records:
        roles = record["OpportunityContactRoles"]
        tasks = record["Tasks"]
        assert isinstance(roles, dict) and roles["totalSize"] == 2
        assert isinstance(tasks, dict) and tasks["totalSize"] == 1
        assert all(t["IsClosed"] == (t["Status"] == "Completed") for t in tasks["records"])
    again = SalesforceStore()
    again.now = lambda: NOW
    again.generate(50, contacts_per_deal=2, seed=7)
    assert [d["StageName"] for d in again.records("Opportunity")] == [
        d["StageName"] for d in store.records("Opportunity")
    ]


def test_recent_modstamp_window_query_matches_what_the_store_changed() -> None:
    store = SalesforceStore()
    clock = [NOW]
    store.now = lambda: clock[0]
    old = store.insert("Contact", {"LastName": "Old"})
    clock[0] = NOW + timedelta(hours=1)
    store.update("Contact", old, {"Email": "old@x.example"})
    fresh = run(
        store, "SELECT Name, Email FROM Contact WHERE SystemModstamp > 2026-11-27T04:30:00Z"
    )
    assert [(r["Name"], r["Email"]) for r in fresh] == [("Old", "old@x.example")]
