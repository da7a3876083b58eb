"""Query paging: batches, the batchSize header, child rows counting, truncated child sets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sandbox import salesforce
from sandbox.salesforce.schema import Field
from tests.fixtures.salesforce import sf_client


def add_deals(store: salesforce.SalesforceStore, count: int) -> list[str]:
    return [
        store.insert(
            "Opportunity",
            {"Name": f"Deal {n:04d}", "StageName": "Prospecting", "CloseDate": "2026-12-01"},
        )
        for n in range(count)
    ]


def add_roles(store: salesforce.SalesforceStore, deal: str, count: int) -> None:
    contact = store.insert("Contact", {"LastName": "Ito"})
    for _ in range(count):
        store.insert(
            "OpportunityContactRole",
            {"OpportunityId": deal, "ContactId": contact, "Role": "Influencer"},
        )


@pytest.fixture
def small_pages() -> Iterator[salesforce.SalesforceSandbox]:
    with salesforce.start(seed=None, batch_size=5) as sandbox:
        yield sandbox


def test_results_page_in_batches_with_relative_next_records_urls(
    small_pages: salesforce.SalesforceSandbox,
) -> None:
    add_deals(small_pages.store, 12)
    sf = sf_client(small_pages)
    first = sf.query("SELECT Name FROM Opportunity ORDER BY Name")
    assert first["totalSize"] == 12 and first["done"] is False and len(first["records"]) == 5
    url = first["nextRecordsUrl"]
    assert url.startswith("/services/data/v59.0/query/01g") and url.endswith("-5")
    second = sf.query_more(url, identifier_is_url=True)
    assert [r["Name"] for r in second["records"]] == [f"Deal {n:04d}" for n in range(5, 10)]
    third = sf.query_more(second["nextRecordsUrl"], identifier_is_url=True)
    assert third["done"] is True and "nextRecordsUrl" not in third and len(third["records"]) == 2


def test_query_all_iter_walks_every_page_once(small_pages: salesforce.SalesforceSandbox) -> None:
    add_deals(small_pages.store, 23)
    sf = sf_client(small_pages)
    small_pages.app.reset_log()
    names = [r["Name"] for r in sf.query_all_iter("SELECT Name FROM Opportunity ORDER BY Name")]
    assert names == [f"Deal {n:04d}" for n in range(23)]
    assert small_pages.app.counts() == {"query": 1, "query.more": 4}


def test_child_rows_count_toward_the_page(small_pages: salesforce.SalesforceSandbox) -> None:
    deals = add_deals(small_pages.store, 4)
    add_roles(small_pages.store, deals[0], 2)
    add_roles(small_pages.store, deals[1], 1)
    sf = sf_client(small_pages)
    soql = "SELECT Name, (SELECT Id FROM OpportunityContactRoles) FROM Opportunity ORDER BY Name"
    first = sf.query(soql)
    # deal 0 costs 3 rows, deal 1 costs 2: the page of 5 is full after two deals
    assert [r["Name"] for r in first["records"]] == ["Deal 0000", "Deal 0001"]
    assert first["records"][0]["OpportunityContactRoles"]["totalSize"] == 2
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert [r["Name"] for r in rest["records"]] == ["Deal 0002", "Deal 0003"]
    assert rest["records"][0]["OpportunityContactRoles"] is None


def test_a_child_set_larger_than_the_page_is_cut_and_pages_on_its_own(
    small_pages: salesforce.SalesforceSandbox,
) -> None:
    deals = add_deals(small_pages.store, 2)
    add_roles(small_pages.store, deals[0], 11)
    sf = sf_client(small_pages)
    first = sf.query(
        "SELECT Name, (SELECT Id FROM OpportunityContactRoles) FROM Opportunity ORDER BY Name"
    )
    roles = first["records"][0]["OpportunityContactRoles"]
    assert roles["totalSize"] == 11 and roles["done"] is False and len(roles["records"]) == 4
    assert roles["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    seen = [r["Id"] for r in roles["records"]]
    page = roles
    while not page["done"]:
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
        assert all(r["attributes"]["type"] == "OpportunityContactRole" for r in page["records"])
        seen += [r["Id"] for r in page["records"]]
    assert len(seen) == len(set(seen)) == 11
    assert first["done"] is False  # the second deal did not fit beside the first


def test_more_than_200_child_rows_are_truncated_at_200_even_on_big_pages() -> None:
    with salesforce.start(seed=None) as sandbox:
        deals = add_deals(sandbox.store, 1)
        add_roles(sandbox.store, deals[0], 230)
        sf = sf_client(sandbox)
        result = sf.query("SELECT Id, (SELECT Id FROM OpportunityContactRoles) FROM Opportunity")
        roles = result["records"][0]["OpportunityContactRoles"]
        assert (roles["totalSize"], roles["done"], len(roles["records"])) == (230, False, 200)
        rest = sf.query_more(roles["nextRecordsUrl"], identifier_is_url=True)
        assert rest["done"] is True and len(rest["records"]) == 30
        assert result["done"] is True


def test_batch_size_header_is_honoured_within_200_to_2000() -> None:
    with salesforce.start(seed=None) as sandbox:
        add_deals(sandbox.store, 450)
        sf = sf_client(sandbox)
        soql = "SELECT Id FROM Opportunity"
        pages = [
            len(sf.query(soql, headers={"Sforce-Query-Options": f"batchSize={n}"})["records"])
            for n in (250, 50, 5000)
        ]
        assert pages == [250, 200, 450]


def test_an_unknown_query_locator_is_refused(small_pages: salesforce.SalesforceSandbox) -> None:
    sf = sf_client(small_pages)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query_more("/services/data/v59.0/query/01g5j0000000001AAA-5", identifier_is_url=True)
    assert caught.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_two_custom_long_text_fields_cap_a_page_at_200_records(
    sf_empty: salesforce.SalesforceSandbox,
) -> None:
    sf_empty.store.add_field(
        "Opportunity", Field("Notes__c", "textarea", "Notes", 32768, custom=True)
    )
    add_deals(sf_empty.store, 250)
    sf = sf_client(sf_empty)
    one = sf.query("SELECT Name, Decision_Process__c FROM Opportunity")
    assert one["done"] is True and len(one["records"]) == 250
    short = sf.query("SELECT Name, Decision_Process__c, Why_Now__c, Why_Us__c FROM Opportunity")
    assert short["done"] is True  # Text Area (255) fields are not long text
    two = sf.query("SELECT Name, Decision_Process__c, Notes__c FROM Opportunity")
    assert two["done"] is False and len(two["records"]) == 200
    rest = sf.query_more(two["nextRecordsUrl"], identifier_is_url=True)
    assert rest["done"] is True and len(rest["records"]) == 50
