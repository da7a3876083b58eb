"""Search through the real client: filters, sorts, paging, the 10,000 cap, index lag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hubspot.crm.deals import ApiException, Filter, FilterGroup, PublicObjectSearchRequest

from sandbox.hubspot import HubSpotSandbox
from tests.fixtures.hubspot import hs_client


def _search(sandbox: HubSpotSandbox, **kwargs: Any) -> Any:
    return hs_client(sandbox).crm.deals.search_api.do_search(PublicObjectSearchRequest(**kwargs))


def _ids(sandbox: HubSpotSandbox, **kwargs: Any) -> list[str]:
    return [r.id for r in _search(sandbox, **kwargs).results]


def test_filter_on_stage_and_custom_property(hs_sandbox: HubSpotSandbox) -> None:
    store = hs_sandbox.store
    expected = sorted(
        (
            i
            for i in store.ids("deals")
            if store.get("deals", i)["dealstage"] == "presentationscheduled"
            and store.get("deals", i).get("dealgate_budget_status") == "confirmed"
        ),
        key=int,
    )
    assert expected, "the demo has confirmed budgets in the define phase"
    group = FilterGroup(
        filters=[
            Filter(property_name="dealstage", operator="EQ", value="presentationscheduled"),
            Filter(property_name="dealgate_budget_status", operator="EQ", value="confirmed"),
        ]
    )
    found = _search(hs_sandbox, filter_groups=[group], properties=["dealstage"], limit=100)
    assert found.total == len(expected)
    assert [r.id for r in found.results] == expected
    assert all(r.properties["dealstage"] == "presentationscheduled" for r in found.results)


def test_modified_since_with_epoch_ms_and_sort_ascending(hs_empty: HubSpotSandbox) -> None:
    store = hs_empty.store
    start = datetime(2026, 2, 1, tzinfo=UTC)
    ids = []
    for day in range(5):
        store.set_time(start + timedelta(days=day))
        ids.append(store.create("deals", {"dealname": f"d{day}"}))
    since = str(int((start + timedelta(days=2)).timestamp() * 1000))
    found = _ids(
        hs_empty,
        filter_groups=[
            FilterGroup(
                filters=[Filter(property_name="hs_lastmodifieddate", operator="GTE", value=since)]
            )
        ],
        sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}],
    )
    assert found == [ids[4], ids[3], ids[2]]


def test_paging_with_after_and_equal_timestamps(hs_empty: HubSpotSandbox) -> None:
    store = hs_empty.store
    store.set_time(datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    created = [store.create("deals", {"dealname": f"batch {n}"}) for n in range(7)]
    seen: list[str] = []
    after = None
    while True:
        page = _search(hs_empty, sorts=["hs_lastmodifieddate"], limit=3, after=after)
        assert page.total == 7
        seen.extend(r.id for r in page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == created  # ties keep id order, so paging neither repeats nor skips


def test_free_text_query_and_contains_token(hs_sandbox: HubSpotSandbox) -> None:
    found = _search(hs_sandbox, query="国際工業", properties=["dealname"])
    assert found.total >= 1
    assert all("国際工業" in r.properties["dealname"] for r in found.results)
    tokens = _search(
        hs_sandbox,
        filter_groups=[
            FilterGroup(
                filters=[
                    Filter(property_name="dealname", operator="CONTAINS_TOKEN", value="warehouse")
                ]
            )
        ],
        properties=["dealname"],
    )
    assert tokens.total >= 1
    assert all("warehouse" in r.properties["dealname"].lower() for r in tokens.results)


def test_in_and_not_has_property(hs_sandbox: HubSpotSandbox) -> None:
    won_or_lost = _search(
        hs_sandbox,
        filter_groups=[
            FilterGroup(
                filters=[
                    Filter(
                        property_name="dealstage", operator="IN", values=["closedwon", "closedlost"]
                    )
                ]
            )
        ],
    )
    assert won_or_lost.total == 10
    no_amount = _search(
        hs_sandbox,
        filter_groups=[
            FilterGroup(filters=[Filter(property_name="amount", operator="NOT_HAS_PROPERTY")])
        ],
        properties=["amount"],
    )
    assert no_amount.total > 0
    assert all(r.properties["amount"] is None for r in no_amount.results)


def test_paging_past_10000_results_is_a_400(hs_empty: HubSpotSandbox) -> None:
    hs_empty.store.generate(10_050, contacts_per_deal=0, tasks_per_deal=0)
    last = _search(hs_empty, limit=200, after="9800")
    assert last.total == 10_050
    assert len(last.results) == 200
    assert last.paging.next.after == "10000"
    with pytest.raises(ApiException) as caught:
        _search(hs_empty, limit=200, after=last.paging.next.after)
    assert caught.value.status == 400
    assert '"category": "VALIDATION_ERROR"' in str(caught.value.body)


def test_search_lags_behind_writes_when_asked_to(hs_empty: HubSpotSandbox) -> None:
    store = hs_empty.store
    store.set_time(datetime(2026, 3, 1, tzinfo=UTC))
    old = store.create("deals", {"dealname": "old name"})
    store.search_lag_seconds = 30
    store.set_time(datetime(2026, 3, 2, tzinfo=UTC))
    store.update("deals", old, {"dealname": "new name"})
    fresh = store.create("deals", {"dealname": "fresh"})

    lagging = _search(hs_empty, properties=["dealname"])
    assert [(r.id, r.properties["dealname"]) for r in lagging.results] == [(old, "old name")]
    assert hs_client(hs_empty).crm.deals.basic_api.get_by_id(fresh).id == fresh  # reads are not

    store.set_time(datetime(2026, 3, 2, 0, 0, 31, tzinfo=UTC))
    caught_up = _search(hs_empty, properties=["dealname"])
    assert [r.properties["dealname"] for r in caught_up.results] == ["new name", "fresh"]
