"""Everything around the records: associations v4, pipelines, owners, properties.

Status codes follow hubspot-api-client 12's generated code: creating an association label
answers 200 with both directions' types, a labelled association (`PUT`) 201, a property 201,
v4 batch read 200 (207 when some inputs have no associations, as HubSpot reports them).
"""

from __future__ import annotations

from typing import Any

from sandbox.http import App, Request, Response
from sandbox.hubspot.associations import AssociationError
from sandbox.hubspot.render import batch
from sandbox.hubspot.schema import FIELD_TYPES, PROPERTY_TYPES, PropertyDef
from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.wire import (
    OBJECT_TYPE_IDS,
    SINGULAR,
    error,
    not_found,
    object_type,
    standard_error,
    validation_error,
)

MAX_ASSOCIATION_INPUTS = 1_000
MAX_OWNERS_PAGE = 500

_TYPE = r"(?P<{0}>[^/]+)"
_PAIR = f"/crm/v4/associations/{_TYPE.format('src')}/{_TYPE.format('dst')}"
_ONE_LINK = (
    f"/crm/v4/objects/{_TYPE.format('src')}/(?P<src_id>[^/]+)/associations/{_TYPE.format('dst')}"
)


class MetaRoutes:
    """Associations, pipelines, owners and property definitions."""

    def __init__(self, store: HubSpotStore) -> None:
        self.store = store

    def register(self, app: App) -> None:
        """Add the routes to an App."""
        app.add_route("POST", _PAIR + "/batch/read", "associations.batch_read", self.batch_read)
        app.add_route("GET", _PAIR + "/labels", "associations.labels", self.labels)
        app.add_route("POST", _PAIR + "/labels", "associations.labels_create", self.create_label)
        app.add_route("GET", _ONE_LINK, "associations.list", self.list_links)
        app.add_route("PUT", _ONE_LINK + "/(?P<dst_id>[^/]+)", "associations.put", self.put_link)
        app.add_route(
            "DELETE", _ONE_LINK + "/(?P<dst_id>[^/]+)", "associations.delete", self.delete_link
        )
        app.add_route("GET", "/crm/v3/pipelines/deals", "pipelines.list", self.pipelines)
        app.add_route("GET", "/crm/v3/pipelines/deals/(?P<id>[^/]+)", "pipelines.get", self.pipe)
        app.add_route("GET", "/crm/v3/owners/?", "owners.list", self.owners)
        app.add_route("GET", "/crm/v3/owners/(?P<id>[^/]+)", "owners.get", self.owner)
        props = "/crm/v3/properties/" + _TYPE.format("kind")
        app.add_route("GET", props, "properties.list", self.properties)
        app.add_route("POST", props, "properties.create", self.create_property)
        app.add_route("GET", props + "/(?P<name>[^/]+)", "properties.get", self.property)
        app.add_route("DELETE", props + "/(?P<name>[^/]+)", "properties.archive", self.drop)

    # associations --------------------------------------------------------------------------
    def _pair(self, request: Request) -> tuple[str, str] | Response:
        src, dst = object_type(request.params["src"]), object_type(request.params["dst"])
        if src is None or dst is None:
            return validation_error(
                f"Unknown object type in {request.params['src']}/{request.params['dst']}"
            )
        return src, dst

    def batch_read(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        src, dst = pair
        body = request.json()
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list):
            return validation_error("Invalid input JSON: expected an object with an 'inputs' list")
        if len(inputs) > MAX_ASSOCIATION_INPUTS:
            return validation_error(
                f"Batch input is limited to {MAX_ASSOCIATION_INPUTS} inputs, got {len(inputs)}"
            )
        started = self.store.now_ms()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.lock:
            for item in inputs:
                from_id = str((item or {}).get("id", ""))
                links = (
                    self.store.linked(src, int(from_id), dst)
                    if self.store.find(src, from_id)
                    else {}
                )
                if not links:
                    message = f"No {SINGULAR[dst]} is associated with {SINGULAR[src]} {from_id}."
                    problem = standard_error("OBJECT_NOT_FOUND", message, {"fromId": [from_id]})
                    problem["subCategory"] = "crm.associations.NO_ASSOCIATIONS_FOUND"
                    errors.append(problem)
                    continue
                results.append({"from": {"id": from_id}, "to": self._to_list(links)})
        status = 207 if errors else 200
        return Response(status, batch(started, self.store.now_ms(), results, errors))

    def _to_list(self, links: dict[int, tuple[int, ...]]) -> list[dict[str, Any]]:
        types = self.store.associations.types
        return [
            {"toObjectId": to_id, "associationTypes": [types[t].spec() for t in type_ids]}
            for to_id, type_ids in sorted(links.items())
        ]

    def list_links(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        src, dst = pair
        with self.store.lock:
            if self.store.find(src, request.params["src_id"]) is None:
                return not_found(f"{SINGULAR[src]} {request.params['src_id']} does not exist")
            links = self.store.linked(src, int(request.params["src_id"]), dst)
            return Response(200, {"results": self._to_list(links)})

    def labels(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        with self.store.lock:
            specs = [t.spec() for t in self.store.associations.types_between(*pair)]
        return Response(200, {"results": specs})

    def create_label(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        body = request.json() or {}
        label, name = body.get("label"), body.get("name")
        if not label or not name:
            return validation_error("label and name are required")
        with self.store.lock:
            try:
                forward, inverse = self.store.associations.create_label(
                    pair[0], pair[1], str(label), str(name), body.get("inverseLabel")
                )
            except AssociationError as exc:
                return validation_error(str(exc))
        return Response(200, {"results": [forward.spec(), inverse.spec()]})

    def put_link(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        src, dst = pair
        src_id, dst_id = request.params["src_id"], request.params["dst_id"]
        specs = request.json() or []
        if not isinstance(specs, list):
            return validation_error("Invalid input JSON: expected a list of association types")
        with self.store.lock:
            if self.store.find(src, src_id) is None or self.store.find(dst, dst_id) is None:
                return not_found(f"{SINGULAR[src]} {src_id} or {SINGULAR[dst]} {dst_id} not found")
            try:
                type_ids = [int(s.get("associationTypeId", 0)) for s in specs]
                merged = self.store.associations.add(src, int(src_id), dst, int(dst_id), type_ids)
            except (AssociationError, AttributeError, ValueError) as exc:
                return validation_error(str(exc))
            types = self.store.associations.types
            labels = [types[t].label for t in merged if types[t].label]
        return Response(
            201,
            {
                "fromObjectTypeId": OBJECT_TYPE_IDS[src],
                "fromObjectId": src_id,
                "toObjectTypeId": OBJECT_TYPE_IDS[dst],
                "toObjectId": dst_id,
                "labels": labels,
            },
        )

    def delete_link(self, request: Request) -> Response:
        pair = self._pair(request)
        if isinstance(pair, Response):
            return pair
        with self.store.lock:
            self.store.associations.remove(
                pair[0], int(request.params["src_id"]), pair[1], int(request.params["dst_id"]), None
            )
        return Response(204)

    # pipelines and owners ------------------------------------------------------------------
    def pipelines(self, request: Request) -> Response:
        created = self.store.created_ms
        results = [p.to_json(i, created) for i, p in enumerate(self.store.pipelines)]
        return Response(200, {"results": results})

    def pipe(self, request: Request) -> Response:
        for i, p in enumerate(self.store.pipelines):
            if p.id == request.params["id"]:
                return Response(200, p.to_json(i, self.store.created_ms))
        return not_found(f"Pipeline {request.params['id']} does not exist")

    def owners(self, request: Request) -> Response:
        archived = (request.arg("archived") or "false").lower() == "true"
        email = request.arg("email")
        after_text, limit_text = request.arg("after") or "0", request.arg("limit") or "100"
        if not after_text.isdigit() or not limit_text.isdigit():
            return validation_error("after and limit must be non-negative integers")
        limit = min(int(limit_text), MAX_OWNERS_PAGE)
        after = int(after_text)
        with self.store.lock:
            chosen = [
                o.to_json()
                for o in self.store.owners.values()
                if o.archived == archived and (email is None or o.email == email)
            ]
        page = chosen[after : after + limit]
        body: dict[str, Any] = {"results": page}
        if after + limit < len(chosen):
            body["paging"] = {"next": {"after": str(after + limit), "link": ""}}
        return Response(200, body)

    def owner(self, request: Request) -> Response:
        with self.store.lock:
            found = self.store.owners.get(request.params["id"])
            if found is None:
                return not_found(f"Owner {request.params['id']} does not exist")
            return Response(200, found.to_json())

    # properties ----------------------------------------------------------------------------
    def properties(self, request: Request) -> Response:
        kind = object_type(request.params["kind"])
        if kind is None:
            return validation_error(f"Unable to infer object type from: {request.params['kind']}")
        with self.store.lock:
            results = [
                d.to_json(self.store.options(kind, d.name))
                for d in self.store.properties[kind].values()
            ]
        return Response(200, {"results": results})

    def property(self, request: Request) -> Response:
        kind = object_type(request.params["kind"])
        name = request.params["name"]
        with self.store.lock:
            found = self.store.properties.get(kind or "", {}).get(name)
            if kind is None or found is None:
                return not_found(f"Unable to find property {name} on {request.params['kind']}")
            return Response(200, found.to_json(self.store.options(kind, name)))

    def create_property(self, request: Request) -> Response:
        kind = object_type(request.params["kind"])
        if kind is None:
            return validation_error(f"Unable to infer object type from: {request.params['kind']}")
        body = request.json() or {}
        missing = [
            k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)
        ]
        if missing:
            return validation_error(f"Missing required fields: {', '.join(missing)}")
        if body["type"] not in PROPERTY_TYPES or body["fieldType"] not in FIELD_TYPES:
            return validation_error(f"Invalid type/fieldType {body['type']}/{body['fieldType']}")
        options = tuple(
            (str(o.get("value")), str(o.get("label", o.get("value"))))
            for o in body.get("options") or []
        )
        if body["type"] in {"enumeration", "bool"} and not options:
            if body["type"] == "enumeration":
                return validation_error("An enumeration property needs options")
            options = (("true", "Yes"), ("false", "No"))
        definition = PropertyDef(
            name=str(body["name"]),
            label=str(body["label"]),
            type=str(body["type"]),
            field_type=str(body["fieldType"]),
            group_name=str(body["groupName"]),
            options=options,
            description=str(body.get("description") or ""),
            hubspot_defined=False,
        )
        with self.store.lock:
            try:
                created = self.store.add_property(kind, definition)
            except ValueError as exc:
                return error(409, "OBJECT_ALREADY_EXISTS", str(exc))
            return Response(201, created.to_json())

    def drop(self, request: Request) -> Response:
        kind = object_type(request.params["kind"])
        with self.store.lock:
            if kind is None or request.params["name"] not in self.store.properties[kind]:
                return not_found(f"Unable to find property {request.params['name']}")
            self.store.delete_property(kind, request.params["name"])
        return Response(204)
