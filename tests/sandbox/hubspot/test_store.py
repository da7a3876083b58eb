"""The store's direct API, seeds, the demo portal and synthetic data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import sandbox.hubspot
from sandbox.hubspot import HubSpotSandbox, HubSpotStore
from sandbox.hubspot.custom import dealgate_properties
from sandbox.hubspot.seed import SeedError, load
from sandbox.hubspot.values import InvalidValue
from tests.fixtures.hubspot import hs_client

PLACEHOLDERS = {"", "tbd", "未定", "n/a", "-", "?"}


def test_equal_timestamps_from_a_frozen_clock() -> None:
    store = HubSpotStore()
    store.set_time(datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC))
    a, b = store.create("deals", {}), store.create("deals", {})
    assert store.get("deals", a)["hs_lastmodifieddate"] == "2026-01-31T23:59:59.000Z"
    assert (
        store.get("deals", a)["hs_lastmodifieddate"] == store.get("deals", b)["hs_lastmodifieddate"]
    )


def test_values_become_hubspot_strings() -> None:
    store = HubSpotStore()
    contact = store.create(
        "contacts", {"notes_last_contacted": datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)}
    )
    assert store.get("contacts", contact)["notes_last_contacted"] == "2026-02-03T04:05:06.000Z"
    assert "lastmodifieddate" in store.get("contacts", contact)
    sandbox.hubspot.custom.install_dealgate_schema(store)
    deal = store.create(
        "deals", {"dealgate_order_date": date(2026, 5, 1), "dealgate_terms_agreed": True}
    )
    stored = store.get("deals", deal)
    assert (stored["dealgate_order_date"], stored["dealgate_terms_agreed"]) == (
        "2026-05-01",
        "true",
    )
    with pytest.raises(InvalidValue, match="midnight"):
        store.create("deals", {"dealgate_order_date": datetime(2026, 5, 1, 9, tzinfo=UTC)})
    with pytest.raises(KeyError):
        store.create("deals", {"not_a_property": "x"})


def test_associations_do_not_touch_last_modified() -> None:
    store = HubSpotStore()
    store.set_time(datetime(2026, 1, 1, tzinfo=UTC))
    deal, contact = store.create("deals", {}), store.create("contacts", {})
    label = store.create_label("deals", "contacts", "Decision maker")
    store.set_time(datetime(2026, 1, 9, tzinfo=UTC))
    store.associate("deals", deal, "contacts", contact, ["Decision maker"])
    assert store.get("deals", deal)["hs_lastmodifieddate"] == "2026-01-01T00:00:00.000Z"
    with store.lock:
        assert store.linked("deals", int(deal), "contacts") == {int(contact): (3, label)}
        assert store.linked("contacts", int(contact), "deals") == {int(deal): (4, label + 1)}
    store.dissociate("deals", deal, "contacts", contact, ["Decision maker"])
    with store.lock:
        assert store.linked("deals", int(deal), "contacts") == {int(contact): (3,)}
    store.dissociate("deals", deal, "contacts", contact)
    with store.lock:
        assert store.linked("contacts", int(contact), "deals") == {}


def test_seed_file_with_relative_dates(tmp_path: Path) -> None:
    seed = {
        "owners": [{"key": "ann", "firstName": "Ann", "lastName": "Lee"}],
        "contacts": [{"key": "c", "properties": {"notes_last_contacted": "@now-100d"}}],
        "labels": [{"from": "deals", "to": "contacts", "label": "Approver"}],
        "deals": [
            {
                "key": "d",
                "owner": "ann",
                "properties": {"dealname": "Seeded", "closedate": "@today+30d"},
                "contacts": [{"contact": "c", "labels": ["Approver"]}],
            }
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    before = datetime.now(UTC).date()
    with sandbox.hubspot.start(seed=path) as hs:
        after = datetime.now(UTC).date()  # the seed was resolved on one of these two days
        store = hs.store
        (deal,) = store.ids("deals")
        props = store.get("deals", deal)
        assert props["hubspot_owner_id"] == store.active_owner_ids()[0]
        closes = datetime.fromisoformat(props["closedate"].replace("Z", "+00:00")).date()
        assert closes - timedelta(days=30) in {before, after}


def test_seed_errors_name_the_entry() -> None:
    with pytest.raises(SeedError, match=r"deals 'x'.*unknown contacts key 'nobody'"):
        load(HubSpotStore(), {"deals": [{"key": "x", "contacts": [{"contact": "nobody"}]}]})


def test_demo_covers_every_phase_both_pipelines_and_the_course_example(
    hs_sandbox: HubSpotSandbox,
) -> None:
    store = hs_sandbox.store
    deals = [store.get("deals", i) for i in store.ids("deals")]
    stages = {d["dealstage"] for d in deals}
    phases = {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
              "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"}  # fmt: skip
    assert phases <= stages
    assert {d["pipeline"] for d in deals} == {"default", "renewals"}
    names = " ".join(d["dealname"] for d in deals)
    assert "国際工業株式会社" in names and "ICタグを利用した物流在庫管理システム" in names
    won_days = {
        (datetime.now(UTC) - datetime.fromisoformat(d["closedate"].replace("Z", "+00:00"))).days
        for d in deals
        if d["dealstage"] == "closedwon"
    }
    assert min(won_days) < 90 < max(won_days)
    owners_of = {d["hubspot_owner_id"] for d in deals}
    assert any(store.owners[o].archived for o in owners_of)


def test_demo_evidence_passes_on_some_deals_and_fails_on_others(
    hs_sandbox: HubSpotSandbox,
) -> None:
    store = hs_sandbox.store
    deals = [store.get("deals", i) for i in store.ids("deals")]
    for definition in dealgate_properties():
        values = [str(d.get(definition.name) or "").strip() for d in deals]
        real = [v for v in values if v.lower() not in PLACEHOLDERS | {"false"}]
        missing = [v for v in values if v.lower() in PLACEHOLDERS | {"false"}]
        assert real and missing, definition.name


def test_demo_has_key_person_labels_contact_spread_and_marker_tasks(
    hs_sandbox: HubSpotSandbox,
) -> None:
    store = hs_sandbox.store
    labels = {t.label for t in store.associations.types_between("deals", "contacts")}
    assert {"Decision maker", "Approver", "Influencer", "Supporter", "Opponent"} <= labels
    contacted = [
        store.get("contacts", c).get("notes_last_contacted") for c in store.ids("contacts")
    ]
    ages = {
        (datetime.now(UTC) - datetime.fromisoformat(v.replace("Z", "+00:00"))).days
        for v in contacted
        if v
    }
    assert min(ages) < 90 < max(ages) and None in contacted
    tasks = [store.get("tasks", t) for t in store.ids("tasks")]
    marked = [t for t in tasks if "<p>dealgate:budget_confirmed</p>" in t.get("hs_task_body", "")]
    assert {t["hs_task_status"] for t in marked} == {"NOT_STARTED", "COMPLETED"}
    assert all(
        t.get("hs_task_completion_date") for t in marked if t["hs_task_status"] == "COMPLETED"
    )


def test_generated_portal_is_readable_through_the_client(hs_empty: HubSpotSandbox) -> None:
    ids = hs_empty.store.generate(250, contacts_per_deal=2, tasks_per_deal=1, seed=7)
    assert len(ids) == 250
    assert hs_empty.store.count("contacts") == 500 and hs_empty.store.count("tasks") == 250
    page = hs_client(hs_empty).crm.deals.basic_api.get_page(
        limit=100, associations=["contacts", "tasks"]
    )
    assert len(page.results) == 100
    first = page.results[0]
    assert len({a.id for a in first.associations["contacts"].results}) == 2
    assert len(first.associations["tasks"].results) == 1


def test_stop_is_idempotent_and_closes_the_port() -> None:
    import socket

    hs = sandbox.hubspot.start()
    port = int(hs.url.rsplit(":", 1)[1])
    hs.stop()
    hs.stop()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
