"""Record writes over REST: single sObject create/read/update/delete and sObject Collections.

`composite/sobjects` takes at most 200 records (more: HTTP 400 EXCEEDED_ID_LIMIT) and answers
HTTP 200 with one SaveResult per record in input order, even when some fail. With `allOrNone`
true, one failure rolls back the whole call: the failing records carry their errors, the others
ALL_OR_NONE_OPERATION_ROLLED_BACK, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from sandbox.http import Request, Response
from sandbox.salesforce.ids import to18
from sandbox.salesforce.rules import (
    RequestError,
    SaveError,
    check_create,
    check_update,
    read_payload,
)
from sandbox.salesforce.schema import SObjectType
from sandbox.salesforce.store import SalesforceStore
from sandbox.salesforce.values import to_wire

COLLECTION_LIMIT = 200
_NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
_ROLLED_BACK = SaveError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header",
)


def sobject_type(store: SalesforceStore, name: str) -> SObjectType:
    """The type named in a URL; RequestError 404 when the org has none."""
    found = store.find_type(name)
    if found is None:
        raise RequestError("NOT_FOUND", "The requested resource does not exist", 404)
    return found


def record_body(
    store: SalesforceStore,
    sobject: SObjectType,
    record_id: str,
    version: str,
    fields: list[str] | None = None,
) -> dict[str, Any] | None:
    """A record as `GET sobjects/{Type}/{id}` returns it, or None if absent or deleted."""
    values = store.get(sobject.name, record_id)
    if values is None or values.get("IsDeleted"):
        return None
    url = f"/services/data/v{version}/sobjects/{sobject.name}/{values['Id']}"
    body: dict[str, Any] = {"attributes": {"type": sobject.name, "url": url}}
    for item in sobject.fields.values():
        if fields is None or item.name.lower() in fields:
            body[item.name] = to_wire(item.type, values[item.name])
    return body


def read(store: SalesforceStore, request: Request) -> Response:
    """GET sobjects/{Type}/{id}[?fields=a,b]."""
    sobject = sobject_type(store, request.params["type"])
    wanted = request.arg("fields")
    fields = [f.strip().lower() for f in wanted.split(",")] if wanted else None
    body = record_body(store, sobject, request.params["id"], request.params["version"], fields)
    if body is None:
        return Response(404, _NOT_FOUND)
    return Response(200, body)


def create(store: SalesforceStore, request: Request) -> Response:
    """POST sobjects/{Type}: 201 with the new id, or 400 with the record's errors."""
    sobject = sobject_type(store, request.params["type"])
    with store.lock:
        values, errors = check_create(store, sobject, read_payload(sobject, _json(request)))
        if errors:
            return Response(400, [e.as_api_error() for e in errors])
        record_id = store.insert(sobject.name, values)
    return Response(201, {"id": record_id, "success": True, "errors": []})


def update(store: SalesforceStore, request: Request) -> Response:
    """PATCH sobjects/{Type}/{id}: 204, or 400/404 with the errors."""
    sobject = sobject_type(store, request.params["type"])
    record_id = request.params["id"]
    with store.lock:
        if store.get(sobject.name, record_id) is None:
            return Response(404, _NOT_FOUND)
        payload = read_payload(sobject, _json(request))
        values, errors = check_update(store, sobject, record_id, payload)
        if errors:
            return Response(400, [e.as_api_error() for e in errors])
        store.update(sobject.name, record_id, values)
    return Response(204)


def delete(store: SalesforceStore, request: Request) -> Response:
    """DELETE sobjects/{Type}/{id}: 204, or 404."""
    sobject = sobject_type(store, request.params["type"])
    record_id = request.params["id"]
    with store.lock:
        current = store.get(sobject.name, record_id)
        if current is None:
            return Response(404, _NOT_FOUND)
        if current.get("IsDeleted"):
            return Response(
                404,
                [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}],
            )
        store.delete(sobject.name, record_id)
    return Response(204)


def collection_save(store: SalesforceStore, request: Request, *, creating: bool) -> Response:
    """POST (create) or PATCH (update) composite/sobjects."""
    body = _json(request)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise RequestError("JSON_PARSER_ERROR", "The request body must hold a 'records' list")
    records: list[Any] = body["records"]
    if len(records) > COLLECTION_LIMIT:
        raise RequestError(
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records into this "
            "call",
        )
    all_or_none = bool(body.get("allOrNone", False))
    with store.lock:
        planned = [_plan_one(store, record, creating) for record in records]
        if all_or_none and any(errors for _, _, _, errors in planned):
            return Response(
                200,
                [
                    _result(record_id, errors or [_ROLLED_BACK])
                    for _, record_id, _, errors in planned
                ],
            )
        results = []
        for sobject, record_id, values, errors in planned:
            if not errors and sobject is not None:
                if creating:
                    record_id = store.insert(sobject.name, values)
                elif record_id is not None:
                    store.update(sobject.name, record_id, values)
            results.append(_result(record_id, errors))
    return Response(200, results)


def collection_delete(store: SalesforceStore, request: Request) -> Response:
    """DELETE composite/sobjects?ids=a,b[&allOrNone=true]."""
    ids = [i for i in (request.arg("ids") or "").split(",") if i]
    if len(ids) > COLLECTION_LIMIT:
        raise RequestError(
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than "
            f"{COLLECTION_LIMIT} records into this call",
        )
    all_or_none = (request.arg("allOrNone") or "false").lower() == "true"
    with store.lock:
        planned: list[tuple[str, str | None, list[SaveError]]] = []
        for raw in ids:
            canonical = to18(raw)
            sobject = store.find_type_by_prefix(canonical[:3]) if canonical else None
            current = store.get(sobject, canonical) if sobject and canonical else None
            if current is None:
                planned.append(
                    (
                        raw,
                        None,
                        [SaveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")],
                    )
                )
            elif current.get("IsDeleted"):
                planned.append((raw, None, [SaveError("ENTITY_IS_DELETED", "entity is deleted")]))
            else:
                planned.append((raw, sobject, []))
        if all_or_none and any(errors for _, _, errors in planned):
            return Response(200, [_result(r, e or [_ROLLED_BACK]) for r, _, e in planned])
        for raw, sobject, errors in planned:
            if not errors and sobject is not None:
                store.delete(sobject, raw)
    return Response(200, [_result(raw, errors) for raw, _, errors in planned])


def _plan_one(
    store: SalesforceStore, record: Any, creating: bool
) -> tuple[SObjectType | None, str | None, dict[str, Any], list[SaveError]]:
    if not isinstance(record, dict):
        raise RequestError("JSON_PARSER_ERROR", "Each record must be a JSON object")
    attributes = record.get("attributes")
    type_name = attributes.get("type") if isinstance(attributes, dict) else None
    if not type_name:
        raise RequestError("INVALID_TYPE", "Must send a concrete entity type.")
    sobject = store.find_type(type_name)
    if sobject is None:
        raise RequestError("INVALID_TYPE", f"sObject type '{type_name}' is not supported.")
    payload = {k: v for k, v in record.items() if k.lower() != "id"}
    raw_id = next((v for k, v in record.items() if k.lower() == "id"), None)
    values = read_payload(sobject, payload)
    if creating:
        if raw_id is not None:
            return (
                sobject,
                None,
                values,
                [SaveError("INVALID_FIELD", "cannot specify Id in an insert call", ("Id",))],
            )
        values, errors = check_create(store, sobject, values)
        return sobject, None, values, errors
    if not raw_id:
        return (
            sobject,
            None,
            values,
            [SaveError("MISSING_ARGUMENT", "Id not specified in an update call")],
        )
    canonical = to18(str(raw_id))
    if canonical is None:
        return sobject, None, values, [SaveError("MALFORMED_ID", f"malformed id {raw_id}", ("Id",))]
    values, errors = check_update(store, sobject, canonical, values)
    return sobject, canonical, values, errors


def _result(record_id: str | None, errors: list[SaveError]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if record_id is not None:
        result["id"] = record_id
    result["success"] = not errors
    result["errors"] = [e.as_save_result_error() for e in errors]
    return result


def _json(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        raise RequestError(
            "JSON_PARSER_ERROR", "Unexpected character in the request body"
        ) from None
