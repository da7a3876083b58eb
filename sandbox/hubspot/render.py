"""Records, batches and pages as HubSpot's JSON prints them.

Property selection follows HubSpot: without `properties` a read returns the object type's default
properties; named properties that are not set come back as null; unknown names are ignored; the
id, create date and last-modified date are always present. Timestamps at the top level
(`createdAt`, `updatedAt`, `archivedAt`) and in properties use ISO 8601 with milliseconds and `Z`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sandbox.http import Request
from sandbox.hubspot.store import HubSpotStore, Record
from sandbox.hubspot.wire import DEFAULT_PROPERTIES, iso_ms, system_properties


def names_arg(request: Request, name: str) -> list[str]:
    """A list query parameter, given repeated (`?p=a&p=b`) or comma-separated (`?p=a,b`)."""
    out: list[str] = []
    for value in request.query.get(name, []):
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def properties_of(
    store: HubSpotStore,
    kind: str,
    props: Mapping[str, str],
    ids: tuple[int, int, int],
    wanted: Sequence[str] | None,
) -> dict[str, str | None]:
    """The `properties` object of a read: (id, created ms, updated ms) in `ids`."""
    id_name, created, modified = system_properties(kind)
    defined = store.properties[kind]
    names = wanted if wanted else DEFAULT_PROPERTIES[kind]
    out: dict[str, str | None] = {n: props.get(n) for n in names if n in defined}
    out[id_name] = str(ids[0])
    out[created] = iso_ms(ids[1])
    out[modified] = iso_ms(ids[2])
    return out


def record_json(
    store: HubSpotStore,
    kind: str,
    record: Record,
    wanted: Sequence[str] | None = None,
    associations: Iterable[str] = (),
    props: Mapping[str, str] | None = None,
    updated_ms: int | None = None,
) -> dict[str, Any]:
    """A `SimplePublicObject(WithAssociations)`; `props`/`updated_ms` override (search lag)."""
    updated = record.updated_ms if updated_ms is None else updated_ms
    body: dict[str, Any] = {
        "id": str(record.id),
        "properties": properties_of(
            store,
            kind,
            record.props if props is None else props,
            (record.id, record.created_ms, updated),
            wanted,
        ),
        "createdAt": iso_ms(record.created_ms),
        "updatedAt": iso_ms(updated),
        "archived": record.archived_ms is not None,
    }
    if record.archived_ms is not None:
        body["archivedAt"] = iso_ms(record.archived_ms)
    linked: dict[str, Any] = {}
    for to_kind in associations:
        entries = [
            {"id": str(to_id), "type": store.associations.types[type_id].name}
            for to_id, type_ids in sorted(store.linked(kind, record.id, to_kind).items())
            for type_id in type_ids
        ]
        if entries:
            linked[to_kind] = {"results": entries}
    if linked:
        body["associations"] = linked
    return body


def paging(after: str | None) -> dict[str, Any]:
    """`{"paging": {"next": {"after", "link"}}}` when there is a next page, else nothing."""
    if after is None:
        return {}
    return {"paging": {"next": {"after": after, "link": f"?after={after}"}}}


def batch(
    started_ms: int, completed_ms: int, results: list[Any], errors: list[dict[str, Any]]
) -> dict[str, Any]:
    """A batch response body; `errors`/`numErrors` only when some input failed."""
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso_ms(started_ms),
        "completedAt": iso_ms(completed_ms),
    }
    if errors:
        body["errors"] = errors
        body["numErrors"] = len(errors)
    return body
