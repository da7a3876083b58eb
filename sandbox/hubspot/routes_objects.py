"""CRM v3 object endpoints: list, get, create, update, archive, batch read/create/update, search.

Status codes are the ones hubspot-api-client 12's generated code matches exactly: create 201,
batch create 201 (207 with `errors` when some inputs failed), batch read and update 200 (207),
search 200. Batch results do not come back in input order (HubSpot promises none; here they come
reversed, so a caller that matches by position is caught).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.http import App, Request, Response
from sandbox.hubspot import search
from sandbox.hubspot.associations import AssociationError
from sandbox.hubspot.render import batch, names_arg, paging, record_json
from sandbox.hubspot.store import HubSpotStore, Record
from sandbox.hubspot.values import problems_message
from sandbox.hubspot.wire import (
    OBJECT_TYPES,
    SEARCHABLE_TEXT,
    SINGULAR,
    alias_pattern,
    error,
    object_type,
    standard_error,
    system_properties,
    validation_error,
)

MAX_LIST = 100
MAX_BATCH = 100

Failure = tuple[str, str, dict[str, list[str]]]  # category, message, context


def _not_found(kind: str, object_id: str) -> Response:
    return error(
        404,
        "OBJECT_NOT_FOUND",
        "Object not found.  objectId are usually numeric.",
        context={"id": [object_id]},
    )


def _bool(request: Request, name: str) -> bool:
    return (request.arg(name) or "false").lower() == "true"


def _inputs(body: Any, limit: int) -> list[Any] | Response:
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        return validation_error("Invalid input JSON: expected an object with an 'inputs' list")
    inputs: list[Any] = body["inputs"]
    if len(inputs) > limit:
        return validation_error(
            f"Batch input is limited to {limit} inputs, got {len(inputs)}",
            context={"limit": [str(limit)]},
        )
    return inputs


class ObjectRoutes:
    """The object endpoints of one store, registered per object type on an App."""

    def __init__(self, store: HubSpotStore) -> None:
        self.store = store

    def register(self, app: App) -> None:
        """Add every object route for deals, contacts and tasks."""
        for kind in OBJECT_TYPES:
            base = f"/crm/v3/objects/(?:{alias_pattern(kind)})"
            one = base + r"/(?P<id>[^/]+)"
            routes: list[tuple[str, str, str, Callable[[str, Request], Response]]] = [
                ("GET", base, "list", self.list_page),
                ("POST", base, "create", self.create),
                ("POST", base + "/search", "search", self.search),
                ("POST", base + "/batch/read", "batch_read", self.batch_read),
                ("POST", base + "/batch/create", "batch_create", self.batch_create),
                ("POST", base + "/batch/update", "batch_update", self.batch_update),
                ("POST", base + "/batch/archive", "batch_archive", self.batch_archive),
                ("GET", one, "get", self.get),
                ("PATCH", one, "update", self.update),
                ("DELETE", one, "archive", self.archive),
            ]
            for method, pattern, name, handler in routes:
                app.add_route(method, pattern, f"{kind}.{name}", _bind(handler, kind))

    # single records ------------------------------------------------------------------------
    def list_page(self, kind: str, request: Request) -> Response:
        after_text = request.arg("after") or "0"
        limit_text = request.arg("limit") or "10"
        if not after_text.isdigit() or not limit_text.isdigit():
            return validation_error("after and limit must be non-negative integers")
        limit = int(limit_text)
        if not 1 <= limit <= MAX_LIST:
            return validation_error(f"limit must be between 1 and {MAX_LIST}, got {limit}")
        wanted = names_arg(request, "properties")
        linked = self._association_kinds(request)
        with self.store.lock:
            records, next_id = self.store.page(
                kind, int(after_text), limit, _bool(request, "archived")
            )
            results = [record_json(self.store, kind, r, wanted, linked) for r in records]
        after = None if next_id is None else str(next_id)
        return Response(200, {"results": results, **paging(after)})

    def get(self, kind: str, request: Request) -> Response:
        object_id = request.params["id"]
        id_property = request.arg("idProperty")
        with self.store.lock:
            if id_property:
                record = self.store.find_by(kind, id_property, object_id)
            else:
                record = self.store.find(kind, object_id, archived=_bool(request, "archived"))
            if record is None:
                return _not_found(kind, object_id)
            body = record_json(
                self.store,
                kind,
                record,
                names_arg(request, "properties"),
                self._association_kinds(request),
            )
        return Response(200, body)

    def create(self, kind: str, request: Request) -> Response:
        body = request.json() or {}
        with self.store.lock:
            outcome = self._create_one(kind, body)
            if isinstance(outcome, tuple):
                category, message, context = outcome
                return error(400, category, message, context=context)
            return Response(201, record_json(self.store, kind, outcome, ()))

    def update(self, kind: str, request: Request) -> Response:
        object_id = request.params["id"]
        body = request.json() or {}
        with self.store.lock:
            record = self.store.find(kind, object_id)
            if record is None:
                return _not_found(kind, object_id)
            clean, problems = self.store.validate(kind, body.get("properties") or {}, record)
            if problems:
                return validation_error(problems_message(problems))
            self.store.patch(kind, record, clean)
            return Response(200, record_json(self.store, kind, record, _written(kind, clean)))

    def archive(self, kind: str, request: Request) -> Response:
        with self.store.lock:
            record = self.store.find(kind, request.params["id"])
            if record is not None:
                record.archived_ms = self.store.now_ms()
        return Response(204)

    # batches -------------------------------------------------------------------------------
    def batch_read(self, kind: str, request: Request) -> Response:
        body = request.json()
        inputs = _inputs(body, MAX_BATCH)
        if isinstance(inputs, Response):
            return inputs
        wanted = body.get("properties") or None
        id_property = body.get("idProperty")
        started = self.store.now_ms()
        results: list[dict[str, Any]] = []
        missing: list[str] = []
        with self.store.lock:
            for item in inputs:
                object_id = str((item or {}).get("id", ""))
                record = (
                    self.store.find_by(kind, id_property, object_id)
                    if id_property
                    else self.store.find(kind, object_id, archived=_bool(request, "archived"))
                )
                if record is None:
                    missing.append(object_id)
                else:
                    results.append(record_json(self.store, kind, record, wanted))
        errors = []
        if missing:
            message = (
                f"Could not get some {SINGULAR[kind].upper()} objects, they may be deleted or "
                "not exist. Check that ids are valid."
            )
            errors.append(standard_error("OBJECT_NOT_FOUND", message, {"ids": missing}))
        return Response(
            207 if errors else 200, batch(started, self.store.now_ms(), results[::-1], errors)
        )

    def batch_create(self, kind: str, request: Request) -> Response:
        inputs = _inputs(request.json(), MAX_BATCH)
        if isinstance(inputs, Response):
            return inputs
        started = self.store.now_ms()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.lock:
            for item in inputs:
                outcome = self._create_one(kind, item or {})
                trace = (item or {}).get("objectWriteTraceId")
                if isinstance(outcome, Record):
                    # HubSpot answers a create with the properties set (and the defaults it
                    # derived), as its reference example shows.
                    result = record_json(self.store, kind, outcome, list(outcome.props))
                    if trace:
                        result["objectWriteTraceId"] = trace
                    results.append(result)
                else:
                    category, message, context = outcome
                    if trace:
                        context = {**context, "objectWriteTraceId": [str(trace)]}
                    errors.append(standard_error(category, message, context))
        return self._batch_answer(201, started, results, errors)

    def batch_update(self, kind: str, request: Request) -> Response:
        inputs = _inputs(request.json(), MAX_BATCH)
        if isinstance(inputs, Response):
            return inputs
        started = self.store.now_ms()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.lock:
            for item in inputs:
                item = item or {}
                object_id = str(item.get("id", ""))
                record = self.store.find(kind, object_id)
                if record is None:
                    message = f"Object {object_id} of type {kind} was not found"
                    errors.append(standard_error("OBJECT_NOT_FOUND", message, {"ids": [object_id]}))
                    continue
                clean, problems = self.store.validate(kind, item.get("properties") or {}, record)
                if problems:
                    context = {"ids": [object_id]}
                    errors.append(
                        standard_error("VALIDATION_ERROR", problems_message(problems), context)
                    )
                    continue
                self.store.patch(kind, record, clean)
                results.append(record_json(self.store, kind, record, _written(kind, clean)))
        return self._batch_answer(200, started, results, errors)

    def batch_archive(self, kind: str, request: Request) -> Response:
        inputs = _inputs(request.json(), MAX_BATCH)
        if isinstance(inputs, Response):
            return inputs
        with self.store.lock:
            for item in inputs:
                record = self.store.find(kind, str((item or {}).get("id", "")))
                if record is not None:
                    record.archived_ms = self.store.now_ms()
        return Response(204)

    def _batch_answer(
        self,
        ok_status: int,
        started: int,
        results: list[dict[str, Any]],
        errors: list[dict[str, Any]],
    ) -> Response:
        if errors and not results:  # nothing succeeded: HubSpot refuses the batch as a whole
            first = errors[0]
            return error(400, first["category"], first["message"], context=first["context"])
        status = 207 if errors else ok_status
        return Response(status, batch(started, self.store.now_ms(), results[::-1], errors))

    # search --------------------------------------------------------------------------------
    def search(self, kind: str, request: Request) -> Response:
        with self.store.lock:
            types = {name: d.type for name, d in self.store.properties[kind].items()}
            try:
                query = search.parse(request.json(), types)
            except (search.SearchError, ValueError) as exc:
                return validation_error(str(exc))
            id_name, created, modified = system_properties(kind)
            visible = self.store.searchable(kind, search.id_floor(query, id_name))
            found: list[tuple[int, dict[str, str], int]]
            if search.by_id_only(query, id_name):
                total, rows = search.run_by_id(query, visible, types[id_name])
                found = [(object_id, props, updated) for object_id, props, _, updated in rows]
            else:
                getters = []
                snapshot: dict[int, tuple[int, dict[str, str], int]] = {}
                for object_id, props, created_ms, updated_ms in visible:
                    values: dict[str, search.Raw] = {
                        **props,
                        id_name: object_id,
                        created: created_ms,
                        modified: updated_ms,
                    }
                    getters.append((object_id, values.get))
                    snapshot[object_id] = (object_id, props, updated_ms)
                total, ids = search.run(query, getters, types, SEARCHABLE_TEXT[kind])
                found = [snapshot[object_id] for object_id in ids]
            results = []
            for object_id, props, updated_ms in found:
                record = self.store.find(kind, object_id)
                if record is None:
                    continue
                results.append(
                    record_json(
                        self.store,
                        kind,
                        record,
                        query.properties,
                        props=props,
                        updated_ms=updated_ms,
                    )
                )
        end = query.after + query.limit
        after = str(end) if end < total else None
        return Response(200, {"total": total, "results": results, **paging(after)})

    # helpers -------------------------------------------------------------------------------
    def _create_one(self, kind: str, item: dict[str, Any]) -> Record | Failure:
        """Validate and create one record with its inline associations. Hold the lock."""
        clean, problems = self.store.validate(kind, item.get("properties") or {})
        if problems:
            return "VALIDATION_ERROR", problems_message(problems), {}
        links: list[tuple[str, int, list[int]]] = []
        for spec in item.get("associations") or []:
            target = str(((spec or {}).get("to") or {}).get("id", ""))
            type_ids = [int(t.get("associationTypeId", 0)) for t in spec.get("types") or []]
            known = [self.store.associations.types.get(t) for t in type_ids]
            to_kinds = {t.to_type for t in known if t is not None and t.from_type == kind}
            if not type_ids or len(to_kinds) != 1 or None in known:
                message = f"association types {type_ids} are not valid from {kind}"
                return "VALIDATION_ERROR", message, {"associationTypeId": [str(type_ids)]}
            to_kind = to_kinds.pop()
            if self.store.find(to_kind, target) is None:
                message = f"{SINGULAR[to_kind].upper()} {target} is not valid"
                return "VALIDATION_ERROR", message, {"toObjectId": [target]}
            links.append((to_kind, int(target), type_ids))
        record = self.store.insert(kind, clean)
        for to_kind, to_id, type_ids in links:
            try:
                self.store.associations.add(kind, record.id, to_kind, to_id, type_ids)
            except AssociationError as exc:  # validated above; kept for a clear 400 regardless
                return "VALIDATION_ERROR", str(exc), {}
        return record

    def _association_kinds(self, request: Request) -> list[str]:
        kinds = [object_type(name) for name in names_arg(request, "associations")]
        return [k for k in kinds if k is not None]


def _written(kind: str, clean: dict[str, str]) -> list[str]:
    """What an update answers with: the written properties and the ones a write derives."""
    derived = ["hs_task_status", "hs_task_completion_date"] if kind == "tasks" else []
    return list(clean) + [name for name in derived if name not in clean]


def _bind(handler: Callable[[str, Request], Response], kind: str) -> Callable[[Request], Response]:
    def bound(request: Request) -> Response:
        return handler(kind, request)

    return bound
