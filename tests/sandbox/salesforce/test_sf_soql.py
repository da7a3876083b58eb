"""SOQL through simple-salesforce against the sandbox: each construct, and the errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sandbox import salesforce
from tests.fixtures.salesforce import sf_client

NOW = datetime(2026, 11, 27, 4, 13, 37, tzinfo=UTC)


Org = tuple[salesforce.SalesforceSandbox, Salesforce, dict[str, str]]


@pytest.fixture
def org() -> Iterator[Org]:
    """An org with five known deals, a fixed clock, and a client; for tests that change it."""
    yield from _org()


@pytest.fixture(scope="module")
def shared_org() -> Iterator[Org]:
    """The same org, shared by the read-only tables of this module."""
    yield from _org()


def _org() -> Iterator[Org]:
    with salesforce.start(seed=None) as sandbox:
        store = sandbox.store
        store.now = lambda: NOW
        ids: dict[str, str] = {}
        ids["ann"] = store.insert("User", {"Name": "Ann", "Email": "ann@x.example"})
        ids["bob"] = store.insert(
            "User", {"Name": "Bob", "Email": "bob@x.example", "IsActive": False}
        )
        deals: list[dict[str, Any]] = [
            {
                "Name": "Alpha",
                "StageName": "Prospecting",
                "Amount": 100.0,
                "CloseDate": "2026-12-01",
                "OwnerId": ids["ann"],
                "Budget_Status__c": "confirmed",
            },
            {
                "Name": "beta",
                "StageName": "Qualification",
                "Amount": 250.0,
                "CloseDate": "2026-11-27",
                "OwnerId": ids["bob"],
                "Budget_Status__c": "estimated",
            },
            {
                "Name": "Gamma 50%",
                "StageName": "Closed Won",
                "Amount": None,
                "CloseDate": "2026-08-01",
                "OwnerId": ids["ann"],
            },
            {
                "Name": "Delta",
                "StageName": "Closed Lost",
                "Amount": 250.0,
                "CloseDate": "2026-11-20",
                "OwnerId": None,
                "Budget_Status__c": "unknown",
            },
            {
                "Name": "国際工業株式会社 ICタグ",
                "StageName": "Negotiation/Review",
                "Amount": 5000.0,
                "CloseDate": "2027-01-15",
                "OwnerId": ids["ann"],
            },
        ]
        for offset, deal in enumerate(deals):
            store.now = lambda offset=offset: NOW - timedelta(days=offset)  # type: ignore[misc]
            ids[deal["Name"]] = store.insert("Opportunity", deal)
        store.now = lambda: NOW
        contact = store.insert(
            "Contact", {"FirstName": "Hana", "LastName": "Mori", "LastActivityDate": "2026-11-01"}
        )
        ids["hana"] = contact
        for role in ("Decision Maker", "Influencer", "Evaluator"):
            store.insert(
                "OpportunityContactRole",
                {
                    "OpportunityId": ids["Alpha"],
                    "ContactId": contact,
                    "Role": role,
                },
            )
        yield sandbox, sf_client(sandbox), ids


def names(sf: Salesforce, where: str, *, order: str = "Name") -> list[str]:
    result = sf.query(f"SELECT Name FROM Opportunity WHERE {where} ORDER BY {order}")
    return [r["Name"] for r in result["records"]]


def test_records_carry_attributes_and_only_the_selected_fields_in_canonical_case(org: Any) -> None:
    _, sf, ids = org
    record = sf.query("select id, name, AMOUNT from opportunity where name = 'alpha'")["records"][0]
    assert list(record) == ["attributes", "Id", "Name", "Amount"]
    assert record["attributes"] == {
        "type": "Opportunity",
        "url": f"/services/data/v59.0/sobjects/Opportunity/{ids['Alpha']}",
    }
    assert record["Amount"] == 100.0 and len(record["Id"]) == 18 and record["Id"][:3] == "006"


def test_timestamps_and_dates_use_salesforce_formats(org: Any) -> None:
    _, sf, _ = org
    record = sf.query("SELECT CloseDate, SystemModstamp FROM Opportunity WHERE Name = 'Alpha'")
    assert record["records"][0]["CloseDate"] == "2026-12-01"
    assert record["records"][0]["SystemModstamp"] == "2026-11-27T04:13:37.000+0000"


def test_parent_paths_nest_and_a_missing_parent_is_null(org: Any) -> None:
    _, sf, _ = org
    result = sf.query(
        "SELECT Name, Owner.IsActive, Owner.Name FROM Opportunity "
        "WHERE Name IN ('beta', 'Delta') ORDER BY Name"
    )
    beta, delta = result["records"]
    assert beta["Owner"]["IsActive"] is False and beta["Owner"]["Name"] == "Bob"
    assert beta["Owner"]["attributes"]["type"] == "User"
    assert delta["Owner"] is None


def test_child_subquery_has_its_own_where_order_and_limit_and_empty_sets_are_null(
    org: Any,
) -> None:
    _, sf, _ = org
    result = sf.query(
        "SELECT Name, (SELECT Role, Contact.LastActivityDate FROM OpportunityContactRoles "
        "WHERE Role != 'Evaluator' ORDER BY Role DESC LIMIT 5) FROM Opportunity "
        "WHERE Name IN ('Alpha', 'beta') ORDER BY Name"
    )
    alpha, beta = result["records"]
    roles = alpha["OpportunityContactRoles"]
    assert roles["totalSize"] == 2 and roles["done"] is True
    assert [r["Role"] for r in roles["records"]] == ["Influencer", "Decision Maker"]
    assert roles["records"][0]["Contact"]["LastActivityDate"] == "2026-11-01"
    assert beta["OpportunityContactRoles"] is None


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Amount = 250", ["beta", "Delta"]),
        ("Amount != 250", ["Alpha", "Gamma 50%", "国際工業株式会社 ICタグ"]),
        ("Amount < 250", ["Alpha"]),
        ("Amount <= 250", ["Alpha", "beta", "Delta"]),
        ("Amount > 250", ["国際工業株式会社 ICタグ"]),
        ("Amount >= 5000.0", ["国際工業株式会社 ICタグ"]),
        ("Amount = null", ["Gamma 50%"]),
        ("OwnerId = null", ["Delta"]),
        ("Name = 'BETA'", ["beta"]),
        ("Name LIKE 'gam%'", ["Gamma 50%"]),
        ("Name LIKE '%50\\%'", ["Gamma 50%"]),
        ("Name LIKE '_lpha'", ["Alpha"]),
        ("Name LIKE '国際%'", ["国際工業株式会社 ICタグ"]),
        ("IsClosed = true", ["Delta", "Gamma 50%"]),
        ("IsWon = false AND IsClosed = true", ["Delta"]),
        ("StageName IN ('Prospecting', 'Closed Lost')", ["Alpha", "Delta"]),
        (
            "StageName NOT IN ('Prospecting', 'Closed Lost')",
            ["beta", "Gamma 50%", "国際工業株式会社 ICタグ"],
        ),
        (
            "Budget_Status__c NOT IN ('confirmed')",
            ["beta", "Delta", "Gamma 50%", "国際工業株式会社 ICタグ"],
        ),
        ("Amount = 250 OR Amount = null", ["beta", "Delta", "Gamma 50%"]),
        ("(Amount = 250 OR Amount = null) AND IsClosed = true", ["Delta", "Gamma 50%"]),
        ("Amount = 250 AND (Name = 'beta' OR Name = 'Alpha')", ["beta"]),
        ("NOT Amount = 250", ["Alpha", "Gamma 50%", "国際工業株式会社 ICタグ"]),
        ("NOT (IsClosed = true OR Amount > 200)", ["Alpha"]),
        ("Owner.IsActive = false", ["beta"]),
        ("CloseDate = 2026-11-27", ["beta"]),
        ("CloseDate > 2026-11-27 AND CloseDate < 2027-01-01", ["Alpha"]),
        ("CloseDate = TODAY", ["beta"]),
        ("CloseDate = LAST_N_DAYS:7", ["beta", "Delta"]),
        ("CloseDate < LAST_N_DAYS:7", ["Gamma 50%"]),
        ("CloseDate > TODAY", ["Alpha", "国際工業株式会社 ICタグ"]),
        ("CloseDate = NEXT_N_DAYS:30", ["Alpha"]),
        ("CreatedDate = YESTERDAY", ["beta"]),
        ("SystemModstamp = TODAY", ["Alpha"]),
        ("SystemModstamp >= 2026-11-25T04:13:37Z", ["Alpha", "beta", "Gamma 50%"]),
        ("SystemModstamp > 2026-11-25T04:13:37.000Z", ["Alpha", "beta"]),
        ("SystemModstamp >= 2026-11-26T13:13:37+09:00", ["Alpha", "beta"]),
        ("SystemModstamp < 2026-11-23T00:00:00-05:00", ["国際工業株式会社 ICタグ"]),
    ],
)
def test_where_clause(shared_org: Org, where: str, expected: list[str]) -> None:
    _, sf, _ = shared_org
    assert names(sf, where) == sorted(expected, key=str.casefold)


def test_order_by_several_fields_with_directions_and_null_placement(org: Any) -> None:
    _, sf, _ = org
    assert names(sf, "Name != null", order="Amount DESC, Name") == [
        "国際工業株式会社 ICタグ",
        "beta",
        "Delta",
        "Alpha",
        "Gamma 50%",
    ]
    assert names(sf, "Name != null", order="Amount ASC NULLS LAST, Name DESC")[:3] == [
        "Alpha",
        "Delta",
        "beta",
    ]
    assert names(sf, "Name != null", order="Amount NULLS FIRST")[0] == "Gamma 50%"
    assert names(sf, "Name != null", order="Amount DESC NULLS FIRST")[:2] == [
        "Gamma 50%",
        "国際工業株式会社 ICタグ",
    ]


def test_limit_offset_and_count(org: Any) -> None:
    _, sf, _ = org
    limited = sf.query("SELECT Name FROM Opportunity ORDER BY Name LIMIT 2 OFFSET 1")
    assert [r["Name"] for r in limited["records"]] == ["beta", "Delta"]
    assert limited["totalSize"] == 2
    counted = sf.query("SELECT COUNT() FROM Opportunity WHERE IsClosed = false")
    assert counted["totalSize"] == 3 and counted["records"] == []


def test_query_all_sees_deleted_rows_and_query_does_not(org: Any) -> None:
    sandbox, sf, ids = org
    sandbox.store.delete("Opportunity", ids["Delta"])
    assert "Delta" not in names(sf, "Name != null")
    deleted = sf.query_all(
        "SELECT Name, IsDeleted FROM Opportunity WHERE Name = 'Delta'", include_deleted=True
    )
    assert [r["IsDeleted"] for r in deleted["records"]] == [True]


def test_semi_join_selects_parents_of_matching_children(org: Any) -> None:
    _, sf, _ = org
    where = "Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE Role = 'Influencer')"
    assert names(sf, where) == ["Alpha"]


def test_ids_match_in_15_and_18_character_forms(org: Any) -> None:
    _, sf, ids = org
    alpha = ids["Alpha"]
    assert names(sf, f"Id = '{alpha[:15]}'") == ["Alpha"]
    assert names(sf, f"Id = '{alpha.lower()}'") == []


def error_of(sf: Salesforce, soql: str) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query(soql)
    assert caught.value.status == 400
    content: list[dict[str, Any]] = caught.value.content
    return content[0]


@pytest.mark.parametrize(
    ("soql", "code", "fragment"),
    [
        ("SELECT Name FROM Opportunity WHERE", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Name Opportunity", "MALFORMED_QUERY", "unexpected token"),
        (
            "SELECT Name FROM Opportunity WHERE Amount = 1 AND Amount = 2 OR Amount = 3",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        ("SELECT Name FROM Opportunity LIMIT x", "MALFORMED_QUERY", "unexpected token"),
        (
            "SELECT Foo__c FROM Opportunity",
            "INVALID_FIELD",
            "No such column 'Foo__c' on entity 'Opportunity'",
        ),
        (
            "SELECT Owner.Nope FROM Opportunity",
            "INVALID_FIELD",
            "No such column 'Nope' on entity 'User'",
        ),
        ("SELECT Boss.Name FROM Opportunity", "INVALID_FIELD", "Didn't understand relationship"),
        ("SELECT Id FROM Opportunity WHERE Nope = 1", "INVALID_FIELD", "No such column 'Nope'"),
        ("SELECT Id FROM Widget__c", "INVALID_TYPE", "sObject type 'Widget__c' is not supported"),
        (
            "SELECT Id, (SELECT Id FROM Widgets) FROM Opportunity",
            "INVALID_TYPE",
            "Didn't understand relationship 'Widgets'",
        ),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = '2026-11-27'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type date and should not be enclosed",
        ),
        (
            "SELECT Id FROM Opportunity WHERE SystemModstamp > 2026-11-27",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type dateTime",
        ),
        (
            "SELECT Id FROM Opportunity WHERE SystemModstamp > 2026-11-27T04:00:00.000+0000",
            "MALFORMED_QUERY",
            "unexpected token",
        ),
        (
            "SELECT Id FROM Opportunity WHERE IsClosed = 'true'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type boolean",
        ),
        (
            "SELECT Id FROM Opportunity WHERE Id = 'nope'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: nope",
        ),
        (
            "SELECT Id FROM Opportunity WHERE Decision_Process__c LIKE '%x%'",
            "INVALID_FIELD",
            "can not be filtered",
        ),
    ],
)
def test_refused_queries_name_the_problem(
    shared_org: Org, soql: str, code: str, fragment: str
) -> None:
    _, sf, _ = shared_org
    error = error_of(sf, soql)
    assert error["errorCode"] == code
    assert fragment in error["message"]


def test_error_message_points_at_the_offending_column(org: Any) -> None:
    _, sf, _ = org
    error = error_of(sf, "SELECT Id, Foo__c FROM Opportunity")
    assert "ERROR at Row:1:Column:12" in error["message"]


def test_a_removed_custom_field_is_an_unknown_column(org: Any) -> None:
    sandbox, sf, _ = org
    sf.query("SELECT Budget_Status__c FROM Opportunity")
    sandbox.store.remove_field("Opportunity", "Budget_Status__c")
    error = error_of(sf, "SELECT Budget_Status__c FROM Opportunity")
    assert error["errorCode"] == "INVALID_FIELD"
