"""Search scans that never lose records to HubSpot's 10,000-result cap.

One search query reaches at most 10,000 results (`after` past that is refused with a 400) and
accepts one sort. Two scans work around it:

- `scan_by_id`: sort by `hs_object_id` ascending and, before the cap, start a new query with
  `hs_object_id > last id`. Used for full reads and for draining a crowded timestamp.
- `scan_modified`: sort by the modification time ascending from a lower bound; before the cap,
  start again from the newest timestamp seen (records already yielded at that timestamp are
  skipped). When a whole query's worth of records shares one timestamp (a month-end bulk
  update), that timestamp is drained by id and the scan goes on after it: the composite
  cursor (timestamp, id) that keeps a timestamp-only cursor from looping.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connector.hubspot import vocab
from connector.hubspot.answers import page_of
from connector.hubspot.records import Json, record_ms
from connector.hubspot.transport import Transport

Filter = dict[str, str]

_SEARCH_API = {vocab.DEALS: "deals.search", vocab.CONTACTS: "contacts.search"}


def search_page(
    transport: Transport,
    object_type: str,
    filters: Sequence[Filter],
    sort: tuple[str, str],
    properties: Sequence[str],
    after: str | None = None,
    limit: int = vocab.SEARCH_PAGE,
) -> dict[str, Any]:
    """One page of `POST /crm/v3/objects/{type}/search` (filters ANDed in one group)."""
    body: dict[str, Any] = {
        "filterGroups": [{"filters": list(filters)}] if filters else [],
        "sorts": [{"propertyName": sort[0], "direction": sort[1]}],
        "properties": list(properties),
        "limit": limit,
    }
    if after is not None:
        body["after"] = after
    api = _SEARCH_API.get(object_type, f"{object_type}.search")
    return transport.call(
        f"{object_type} search", api, "do_search", public_object_search_request=body
    )


def _next_after(page: Json) -> str | None:
    paging = page.get("paging") or {}
    after = (paging.get("next") or {}).get("after")
    return str(after) if after not in (None, "") else None


def _within_cap(after: str) -> bool:
    try:
        return int(after) + vocab.SEARCH_PAGE <= vocab.SEARCH_CAP
    except ValueError:
        return True  # an opaque token: HubSpot decides


def scan_by_id(
    transport: Transport,
    object_type: str,
    properties: Sequence[str],
    filters: Sequence[Filter] = (),
    exclude: frozenset[str] = frozenset(),
) -> Iterator[Json]:
    """Every record matching `filters`, in id order, across as many queries as needed."""
    last_id: str | None = None
    while True:
        query = list(filters)
        if last_id is not None:
            query.append({"propertyName": vocab.OBJECT_ID, "operator": "GT", "value": last_id})
        after: str | None = None
        consumed = 0
        while True:
            page = search_page(
                transport, object_type, query, (vocab.OBJECT_ID, "ASCENDING"), properties, after
            )
            results = page_of(page, f"{object_type} search", consumed)
            for record in results:
                if str(record["id"]) not in exclude:
                    yield record
            if results:
                last_id = str(results[-1]["id"])
            consumed += len(results)
            after = _next_after(page)
            total = page.get("total")
            if after is None or not results or (isinstance(total, int) and consumed >= total):
                return
            if not _within_cap(after):
                break  # a new query from last_id


def scan_modified(
    transport: Transport,
    object_type: str,
    modified_property: str,
    since_ms: int,
    properties: Sequence[str],
) -> Iterator[Json]:
    """Every record modified at or after `since_ms`, oldest first, each once."""
    lower = since_ms
    skip: set[str] = set()  # already yielded, at timestamp `lower`
    props = list(dict.fromkeys([*properties, modified_property]))
    while True:
        after: str | None = None
        consumed = 0
        last_ts: int | None = None
        at_last: set[str] = set()
        gte = [{"propertyName": modified_property, "operator": "GTE", "value": str(lower)}]
        while True:
            page = search_page(
                transport, object_type, gte, (modified_property, "ASCENDING"), props, after
            )
            results = page_of(page, f"{object_type} search", consumed)
            for record in results:
                record_id = str(record["id"])
                ts = record_ms(record, modified_property) or lower
                if ts != last_ts:
                    last_ts, at_last = ts, set()
                at_last.add(record_id)
                if ts == lower and record_id in skip:
                    continue
                yield record
            consumed += len(results)
            after = _next_after(page)
            total = page.get("total")
            if after is None or not results or (isinstance(total, int) and consumed >= total):
                return
            if not _within_cap(after):
                break
        if last_ts is None:
            return
        if last_ts == lower:
            # A full query of records on one timestamp: drain it by id, then go past it.
            equal = [{"propertyName": modified_property, "operator": "EQ", "value": str(lower)}]
            yield from scan_by_id(
                transport, object_type, props, equal, exclude=frozenset(skip | at_last)
            )
            lower, skip = lower + 1, set()
        else:
            lower, skip = last_ts, at_last


def latest_ms(transport: Transport, object_type: str, modified_property: str) -> int | None:
    """The newest modification time of any record of a type (HubSpot's clock), or None."""
    page = search_page(
        transport, object_type, (), (modified_property, "DESCENDING"), [modified_property], limit=1
    )
    results = page_of(page, f"{object_type} search", 0)
    return record_ms(results[0], modified_property) if results else None
