"""What the API refuses on a write, and how it says so.

Two kinds of refusal, as in Salesforce:
- a request that cannot be read (a value of the wrong JSON type, an unknown field, a missing
  `attributes.type`) fails as a whole: HTTP 400 with `[{"message", "errorCode"}]`
  (`RequestError`);
- a record that can be read but not saved fails on its own (`SaveError`): required fields,
  restricted picklists, string lengths, ids (malformed -> MALFORMED_ID, of the wrong object ->
  FIELD_INTEGRITY_EXCEPTION, not found or deleted -> INVALID_CROSS_REFERENCE_KEY), read-only
  fields, inactive owners (INACTIVE_OWNER_OR_USER: setting one as owner, or editing a task that
  an inactive user owns), deleted records (ENTITY_IS_DELETED), objects the user may not edit
  (INSUFFICIENT_ACCESS_OR_READONLY).

A create without OwnerId is owned by the running user: the first active user of the org.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.salesforce.ids import to18
from sandbox.salesforce.schema import Field, SObjectType
from sandbox.salesforce.store import SalesforceStore
from sandbox.salesforce.values import from_wire

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SaveError:
    """One reason a record was not saved, as in a SaveResult's `errors`."""

    status_code: str
    message: str
    fields: tuple[str, ...] = ()

    def as_save_result_error(self) -> dict[str, Any]:
        return {
            "statusCode": self.status_code,
            "message": self.message,
            "fields": list(self.fields),
        }

    def as_api_error(self) -> dict[str, Any]:
        return {"message": self.message, "errorCode": self.status_code, "fields": list(self.fields)}


class RequestError(Exception):
    """A request refused as a whole; becomes `[{"message", "errorCode"}]` with `status`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> list[dict[str, Any]]:
        return [{"message": self.message, "errorCode": self.code}]


def read_payload(sobject: SObjectType, payload: Any) -> dict[str, Any]:
    """Field values by canonical name from a JSON record; RequestError if it cannot be read."""
    if not isinstance(payload, dict):
        raise RequestError("JSON_PARSER_ERROR", "The request body must be a JSON object")
    values: dict[str, Any] = {}
    for name, raw in payload.items():
        if name == "attributes":
            continue
        found = sobject.field(name)
        if found is None:
            raise RequestError(
                "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject.name}"
            )
        try:
            value = from_wire(found.type, raw)
        except ValueError as exc:
            raise RequestError("JSON_PARSER_ERROR", f"{exc} at [line:1, column:1]") from None
        values[found.name] = value
    return values


def check_create(
    store: SalesforceStore, sobject: SObjectType, values: dict[str, Any]
) -> tuple[dict[str, Any], list[SaveError]]:
    """Values to insert (with org defaults) and the reasons, if any, the insert must fail."""
    if "Id" in values:
        return values, [
            SaveError("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call")
        ]
    if not sobject.createable:
        return values, [
            SaveError("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", f"cannot create {sobject.name}")
        ]
    values = dict(values)
    owner = sobject.field("OwnerId")
    if owner is not None and values.get("OwnerId") is None:
        running = running_user(store)
        if running is not None:
            values["OwnerId"] = running
    errors = _read_only(sobject, values, create=True)
    for item in sobject.fields.values():
        effective = values.get(item.name, item.default)
        if item.required and effective is None:
            errors.append(
                SaveError(
                    "REQUIRED_FIELD_MISSING",
                    f"Required fields are missing: [{item.name}]",
                    (item.name,),
                )
            )
    errors += _check_values(store, sobject, values)
    return values, errors


def check_update(
    store: SalesforceStore, sobject: SObjectType, record_id: str, values: dict[str, Any]
) -> tuple[dict[str, Any], list[SaveError]]:
    """Values to apply and the reasons, if any, the update of `record_id` must fail."""
    values = {k: v for k, v in values.items() if k != "Id"}
    current = store.get(sobject.name, record_id)
    if current is None:
        return values, [
            SaveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
            if to18(record_id)
            else SaveError("MALFORMED_ID", f"Record ID: id value of incorrect type: {record_id}")
        ]
    if current.get("IsDeleted"):
        return values, [SaveError("ENTITY_IS_DELETED", "entity is deleted")]
    if not sobject.updateable:
        return values, [
            SaveError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
        ]
    errors = _read_only(sobject, values, create=False)
    for name, value in values.items():
        found = sobject.fields[name]
        if found.required and value is None:
            errors.append(
                SaveError(
                    "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{name}]", (name,)
                )
            )
    errors += _check_values(store, sobject, values)
    if sobject.name == "Task" and "OwnerId" not in values and current.get("OwnerId"):
        errors += _owner_active(store, sobject, current["OwnerId"])
    return values, errors


def running_user(store: SalesforceStore) -> str | None:
    """The user the API session runs as: the org's first active user."""
    with store.lock:
        table = store.table("User")
        for record_id, row in table.rows.items():
            if table.value(row, "IsActive"):
                return record_id
    return None


def _read_only(sobject: SObjectType, values: dict[str, Any], *, create: bool) -> list[SaveError]:
    blocked = [
        name
        for name in values
        if not (sobject.fields[name].createable if create else sobject.fields[name].updateable)
    ]
    if not blocked:
        return []
    message = (
        f"Unable to create/update fields: {', '.join(blocked)}. Please check the security "
        "settings of this field and verify that it is read/write for your profile or "
        "permission set."
    )
    return [SaveError("INVALID_FIELD_FOR_INSERT_UPDATE", message, tuple(blocked))]


def _check_values(
    store: SalesforceStore, sobject: SObjectType, values: dict[str, Any]
) -> list[SaveError]:
    errors: list[SaveError] = []
    for name, value in values.items():
        if value is None:
            continue
        item = sobject.fields[name]
        if item.type == "reference":
            errors += _check_reference(store, sobject, item, value)
        elif item.picklist and item.restricted and value not in item.picklist:
            errors.append(
                SaveError(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{item.label}: bad value for restricted picklist field: {value}",
                    (name,),
                )
            )
        elif isinstance(value, str) and item.length and len(value) > item.length:
            errors.append(
                SaveError(
                    "STRING_TOO_LONG",
                    f"{item.label}: data value too large: {value[:40]}... "
                    f"(max length={item.length})",
                    (name,),
                )
            )
        elif item.type == "email" and not _EMAIL.match(value):
            errors.append(
                SaveError(
                    "INVALID_EMAIL_ADDRESS",
                    f"{item.label}: invalid email address: {value}",
                    (name,),
                )
            )
    return errors


def _check_reference(
    store: SalesforceStore, sobject: SObjectType, item: Field, value: Any
) -> list[SaveError]:
    canonical = to18(value) if isinstance(value, str) else None
    if canonical is None:
        return [
            SaveError(
                "MALFORMED_ID", f"{item.label}: id value of incorrect type: {value}", (item.name,)
            )
        ]
    targets = [store.schema[t] for t in item.reference_to if t in store.schema]
    if not targets:
        return []  # a type the sandbox does not model (RecordType): accepted as is
    target = next((t for t in targets if canonical.startswith(t.key_prefix)), None)
    if target is None:
        return [
            SaveError(
                "FIELD_INTEGRITY_EXCEPTION",
                f"{item.label}: id value of incorrect type: {value}",
                (item.name,),
            )
        ]
    if not store.exists(target.name, canonical):
        return [
            SaveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", (item.name,))
        ]
    if item.name == "OwnerId":
        return _owner_active(store, sobject, canonical)
    return []


def _owner_active(store: SalesforceStore, sobject: SObjectType, owner_id: str) -> list[SaveError]:
    owner = store.get("User", owner_id)
    if owner is not None and not owner.get("IsActive"):
        return [
            SaveError(
                "INACTIVE_OWNER_OR_USER",
                f"operation performed with inactive user [{owner_id}] as owner of "
                f"{sobject.name.lower()}",
            )
        ]
    return []
