"""The SOQL dealgate sends, built in one place (pure functions, no I/O).

Values go through simple-salesforce's `format_soql`, which quotes and escapes them; field names
come from the mapping and are checked against a strict identifier pattern, never pasted raw.

One deal query reads an opportunity with its contact roles and its open or recently closed tasks
as relationship subqueries, so a page of 2,000 rows (child rows count) costs one call.
`Description` is a long text area: it can be selected but not filtered in WHERE, so the marker
is found in Python (`connector.markers.find_marker`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from urllib.parse import quote_plus

from simple_salesforce.format import format_soql, quote_soql_value

from connector.base import ReadSpec
from connector.errors import ConfigurationError

OPPORTUNITY = "Opportunity"
CONTACT_ROLE = "OpportunityContactRole"
CONTACT = "Contact"
TASK = "Task"
USER = "User"
STAGE = "OpportunityStage"

CONTACT_ROLES = "OpportunityContactRoles"  # child relationship names on Opportunity
TASKS = "Tasks"
OPPORTUNITY_KEY_PREFIX = "006"  # every Opportunity id starts with it, in every org

DEAL_ALWAYS = ("Id", "StageName", "SystemModstamp")
ROLE_ALWAYS = ("ContactId", "Role")
CONTACT_ALWAYS = ("Name",)
TASK_FIELDS = (
    "Id",
    "Subject",
    "Description",
    "IsClosed",
    "Status",
    "OwnerId",
    "CreatedDate",
    "CompletedDateTime",
)

# GET query URLs stay well under Salesforce's 16,384-byte limit for URI plus headers.
MAX_ENCODED_QUERY = 12_000

_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$")


def checked(fields: Iterable[str]) -> list[str]:
    """Field names in order, duplicates (case-insensitive) dropped; refuse anything that is not
    a plain (dotted) API name, so that no mapping value can change a query's meaning."""
    seen: set[str] = set()
    result: list[str] = []
    for name in fields:
        if not _FIELD.match(name):
            raise ConfigurationError(f"not a Salesforce field name: {name!r}")
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


def _select(fields: Iterable[str]) -> str:
    return ", ".join(checked(fields))


def role_subquery(spec: ReadSpec) -> str:
    """Contact roles with the link fields and the contact fields of the spec."""
    fields = [*ROLE_ALWAYS, *spec.role_fields]
    fields += [f"Contact.{name}" for name in checked([*CONTACT_ALWAYS, *spec.contact_fields])]
    return f"(SELECT {_select(fields)} FROM {CONTACT_ROLES} WHERE IsDeleted = false)"


def task_subquery(spec: ReadSpec) -> str:
    """Open tasks, and tasks completed within `closed_task_days`; markers are checked later."""
    where = format_soql(
        "WHERE IsDeleted = false AND (IsClosed = false OR CompletedDateTime = LAST_N_DAYS:{})",
        int(spec.closed_task_days),
    )
    return f"(SELECT {_select(TASK_FIELDS)} FROM {TASKS} {where})"


def deal_select(spec: ReadSpec, *, with_deleted: bool = False) -> str:
    """`SELECT <deal fields>, (<roles>), (<tasks>) FROM Opportunity`, without a WHERE. The
    subqueries leave deleted children out, so the query may go to queryAll (`with_deleted`
    selects IsDeleted to tell deleted opportunities apart)."""
    always = [*DEAL_ALWAYS, "IsDeleted"] if with_deleted else list(DEAL_ALWAYS)
    fields = _select([*always, *spec.deal_fields])
    return f"SELECT {fields}, {role_subquery(spec)}, {task_subquery(spec)} FROM {OPPORTUNITY}"


def all_deals(spec: ReadSpec) -> str:
    """Every opportunity (the query resource leaves deleted ones out)."""
    return deal_select(spec)


def deals_changed_since(spec: ReadSpec, since: datetime | None) -> str:
    """Opportunities whose SystemModstamp is at or after `since` (all when None), with
    IsDeleted: sent to queryAll, one call reports both changes and deletions."""
    query = deal_select(spec, with_deleted=True)
    if since is not None:
        query += format_soql(" WHERE SystemModstamp >= {}", since)
    return query


def deals_by_id(spec: ReadSpec, ids: Sequence[str]) -> str:
    """Opportunities by id (one chunk of `id_chunks`)."""
    return deal_select(spec) + format_soql(" WHERE Id IN {}", list(ids))


def changes_since(sobject: str, fields: Sequence[str], since: datetime | None) -> str:
    """Id and `fields` of the rows of `sobject` modified at or after `since` (all when None)."""
    select = _select(["Id", "SystemModstamp", *fields])
    query = f"SELECT {select} FROM {sobject}"
    if since is not None:
        query += format_soql(" WHERE SystemModstamp >= {}", since)
    return query


def task_changes_since(since: datetime | None) -> str:
    """Tasks modified since `since` that hang on a record (WhatId), deleted ones included when
    sent to queryAll; the Opportunity ones are picked by id prefix."""
    query = changes_since(TASK, ["WhatId", "IsDeleted"], since)
    return query + (" AND" if since is not None else " WHERE") + " WhatId != null"


def latest_changes(sobject: str, limit: int = 2000) -> str:
    """The newest rows of `sobject` by SystemModstamp (one page), to position a watermark."""
    return f"SELECT Id, SystemModstamp FROM {sobject} " + format_soql(
        "ORDER BY SystemModstamp DESC LIMIT {}", int(limit)
    )


def deals_deleted(deal_ids: Sequence[str]) -> str:
    """Id and IsDeleted of these opportunities, for queryAll (deleted rows included)."""
    return format_soql("SELECT Id, IsDeleted FROM Opportunity WHERE Id IN {}", list(deal_ids))


def roles_of_contacts(contact_ids: Sequence[str]) -> str:
    """The opportunities on which these contacts hold a role."""
    return format_soql(
        "SELECT Id, OpportunityId FROM OpportunityContactRole WHERE ContactId IN {}",
        list(contact_ids),
    )


def marker_tasks(deal_ids: Sequence[str]) -> str:
    """Every task, open or closed, on these opportunities; markers are checked in Python."""
    fields = _select([*TASK_FIELDS, "WhatId"])
    return f"SELECT {fields} FROM {TASK}" + format_soql(" WHERE WhatId IN {}", list(deal_ids))


def stages() -> str:
    """Every opportunity stage, active or not (deals may sit in a deactivated one)."""
    return (
        "SELECT ApiName, MasterLabel, IsActive, IsClosed, IsWon, DefaultProbability, SortOrder "
        f"FROM {STAGE} ORDER BY SortOrder"
    )


def users() -> str:
    """Every user, active or not."""
    return f"SELECT Id, Name, Email, IsActive FROM {USER}"


def id_chunks(
    ids: Sequence[str], template_length: int, budget: int = MAX_ENCODED_QUERY
) -> Iterator[list[str]]:
    """Split ids so that each `... IN (...)` query stays within `budget` URL-encoded characters,
    `template_length` being the encoded length of the query around the list."""
    chunk: list[str] = []
    used = template_length
    for record_id in ids:
        cost = len(quote_plus(quote_soql_value(record_id))) + 3  # the encoded comma
        if chunk and used + cost > budget:
            yield chunk
            chunk, used = [], template_length
        chunk.append(record_id)
        used += cost
    if chunk:
        yield chunk


def encoded_length(soql: str) -> int:
    """Length of the query once URL-encoded as the `q` parameter."""
    return len(quote_plus(soql))
