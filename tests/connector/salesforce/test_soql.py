"""Query building: the one deal query, safe values, id chunks within the URL limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.base import ReadSpec
from connector.errors import ConfigurationError
from connector.salesforce import soql

SPEC = ReadSpec(
    deal_fields=("Name", "OwnerId", "Budget_Status__c", "StageName"),
    contact_fields=("LastActivityDate",),
    role_fields=("Role", "Stance__c"),
    closed_task_days=14,
)


def test_the_deal_query_reads_roles_and_tasks_as_subqueries() -> None:
    query = soql.deal_select(SPEC)
    assert query == (
        "SELECT Id, StageName, SystemModstamp, Name, OwnerId, Budget_Status__c, "
        "(SELECT ContactId, Role, Stance__c, Contact.Name, Contact.LastActivityDate "
        "FROM OpportunityContactRoles WHERE IsDeleted = false), "
        "(SELECT Id, Subject, Description, IsClosed, Status, OwnerId, CreatedDate, "
        "CompletedDateTime FROM Tasks "
        "WHERE IsDeleted = false AND (IsClosed = false OR CompletedDateTime = LAST_N_DAYS:14)) "
        "FROM Opportunity"
    )


def test_changes_select_is_deleted_and_use_a_datetime_literal() -> None:
    since = datetime(2026, 11, 27, 4, 0, 0, 500_000, tzinfo=UTC)
    query = soql.deals_changed_since(SPEC, since)
    assert query.startswith("SELECT Id, StageName, SystemModstamp, IsDeleted, Name")
    assert query.endswith(" WHERE SystemModstamp >= 2026-11-27T04:00:00+00:00")


@pytest.mark.parametrize("bad", ["Name, (SELECT Id FROM Users)", "Id FROM Opportunity --", "1x"])
def test_field_names_that_could_change_a_query_are_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="not a Salesforce field name"):
        soql.deal_select(ReadSpec(deal_fields=(bad,)))


def test_values_are_quoted_and_escaped() -> None:
    query = soql.deals_by_id(SPEC, ["006' OR Name != '"])
    assert query.endswith(" WHERE Id IN ('006\\' OR Name != \\'')")


def test_id_chunks_stay_within_the_budget_and_keep_every_id() -> None:
    ids = [f"006{n:015d}" for n in range(1000)]
    template = soql.encoded_length(soql.deals_by_id(SPEC, []))
    chunks = list(soql.id_chunks(ids, template))
    assert [i for chunk in chunks for i in chunk] == ids
    assert len(chunks) > 1
    for chunk in chunks:
        assert soql.encoded_length(soql.deals_by_id(SPEC, chunk)) <= soql.MAX_ENCODED_QUERY


def test_marker_tasks_read_open_and_closed_tasks_by_deal() -> None:
    query = soql.marker_tasks(["006A", "006B"])
    assert "FROM Task WHERE WhatId IN ('006A','006B')" in query
    assert "IsClosed =" not in query
