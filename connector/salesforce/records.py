"""Salesforce JSON records into the connector's raw records, once, in one place (pure).

An Opportunity row arrives with its child relationships nested as query results of their own:
`{"OpportunityContactRoles": {"done", "records", "nextRecordsUrl"?}, "Tasks": {...}}` (or null
when there are none). Parent fields of a child arrive nested too (`"Contact": {"Name": ...}`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from connector.base import RawContact, RawDeal, RawTask, ReadSpec
from connector.markers import find_marker
from connector.salesforce.soql import CONTACT_ALWAYS, CONTACT_ROLES, TASKS

_CHILDREN = frozenset({CONTACT_ROLES, TASKS})
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def parse_datetime(value: Any) -> datetime | None:
    """A Salesforce dateTime (`2026-11-27T04:00:00.000+0000`) as an aware datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def child_page(record: Mapping[str, Any], relationship: str) -> tuple[list[Any], str | None]:
    """The child rows a record carries for `relationship`, and the URL of the next child page
    when Salesforce truncated the set (`done: false`)."""
    nested = record.get(relationship)
    if nested is None or (type(nested) is not dict and not isinstance(nested, Mapping)):
        return [], None  # none: the common case, answered before the (slower) ABC check
    rows = list(nested.get("records") or [])
    next_url = None if nested.get("done", True) else nested.get("nextRecordsUrl")
    return rows, (str(next_url) if next_url else None)


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """Field values by (dotted) API name, without `attributes` and child relationships."""
    if type(record) is dict:
        fields = record.copy()  # the common case: no parent record among the values
        fields.pop("attributes", None)
        for name in _CHILDREN:
            fields.pop(name, None)
        if dict not in map(type, fields.values()):  # one pass in C
            return fields
    fields = {}
    for name, value in record.items():
        if name == "attributes" or name in _CHILDREN:
            continue
        # Scalars first: most values are, and the Mapping check is an (expensive) ABC check.
        if type(value) in _SCALAR_TYPES:
            fields[name] = value
        elif isinstance(value, Mapping) and "attributes" in value:
            fields.update(_nested(value, f"{name}."))
        else:
            fields[name] = value
    return fields


def _nested(record: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """A parent record's fields under `prefix` (`Owner.`), its own parents flattened too."""
    fields: dict[str, Any] = {}
    for name, value in record.items():
        if name == "attributes":
            continue
        if isinstance(value, Mapping) and "attributes" in value:
            fields.update(_nested(value, f"{prefix}{name}."))
        else:
            fields[f"{prefix}{name}"] = value
    return fields


def raw_contact(row: Mapping[str, Any], spec: ReadSpec) -> RawContact:
    """One contact role: the role label, the link fields and the contact's fields, unprefixed."""
    role = row.get("Role")
    contact = row.get("Contact")
    fields: dict[str, Any]
    if type(contact) is dict:  # as JSON decodes it: what the query asked for, and `attributes`
        fields = contact.copy()
        fields.pop("attributes", None)
    else:
        fields = {}
        if isinstance(contact, Mapping):
            for name in (*CONTACT_ALWAYS, *spec.contact_fields):
                if name in contact:
                    fields[name] = contact[name]
    for name in spec.role_fields:  # link fields; the contact's own win a name both have
        if name in row and name not in fields:
            fields[name] = row[name]
    contact_id = row.get("ContactId")
    return RawContact(
        contact_id if type(contact_id) is str else str(contact_id or ""),
        (role if type(role) is str else str(role),) if role else (),
        fields,
    )


def raw_task(row: Mapping[str, Any]) -> RawTask | None:
    """A dealgate task, or None when the description carries no marker."""
    gate_id = find_marker(row.get("Description"))
    if gate_id is None:
        return None
    return RawTask(
        id=str(row["Id"]),
        gate_id=gate_id,
        is_open=not bool(row.get("IsClosed")),
        owner_id=row.get("OwnerId"),
        subject=str(row.get("Subject") or ""),
        created_at=parse_datetime(row.get("CreatedDate")),
        completed_at=parse_datetime(row.get("CompletedDateTime")),
    )


def raw_deal(
    record: Mapping[str, Any],
    roles: Sequence[Mapping[str, Any]],
    tasks: Sequence[Mapping[str, Any]],
    spec: ReadSpec,
) -> RawDeal:
    """An Opportunity row with its complete child sets as a RawDeal. `pipeline` is the record
    type when the spec selects RecordTypeId, else None (stages are org-wide)."""
    fields = flatten(record)
    # Lists made tuples, not generators: a generator costs a frame switch per item.
    contacts = tuple([raw_contact(row, spec) for row in roles if row.get("ContactId")])
    marked = [raw_task(row) for row in tasks]
    record_type = fields.get("RecordTypeId")
    return RawDeal(
        id=str(record["Id"]),
        fields=fields,
        pipeline=str(record_type) if record_type else None,
        stage=str(record.get("StageName") or ""),
        contacts=contacts,
        tasks=tuple([task for task in marked if task is not None]),
        modified_at=parse_datetime(record.get("SystemModstamp")),
    )
