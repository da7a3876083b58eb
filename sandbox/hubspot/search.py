"""The search engine of `POST /crm/v3/objects/{type}/search`, as pure functions.

A request is parsed once (`parse`) into filter groups, one sort, a page; HubSpot's limits are
checked there: at most 5 filter groups and 25 filters in all, one sort, `limit` up to 200, and no
page past the 10,000th result (`after + limit > 10000` is a 400, whatever the total). Filters in
a group are ANDed, groups are ORed. Values are compared by the property's type: numbers as
numbers, dates and datetimes as epoch milliseconds (filter values in ms, or ISO), strings and
enumerations case-insensitively. `NEQ` and `NOT_IN` also match records with no value.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.hubspot.wire import parse_datetime_ms

MAX_GROUPS = 5
MAX_FILTERS = 25
MAX_LIMIT = 200
MAX_RESULTS = 10_000
DEFAULT_LIMIT = 10

OPERATORS = frozenset(
    {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY",
     "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
)  # fmt: skip

Comparable = float | int | str
Raw = str | int | None  # a stored string, or an int already in epoch ms (system dates)
Getter = Callable[[str], Raw]
R = TypeVar("R", bound=tuple[Any, ...])


class SearchError(ValueError):
    """A search request HubSpot answers with 400 VALIDATION_ERROR."""


@dataclass(frozen=True)
class Filter:
    property: str
    operator: str
    value: str | None = None
    high_value: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchRequest:
    groups: tuple[tuple[Filter, ...], ...]
    sort: tuple[str, bool] | None  # (property, descending)
    query: str | None
    properties: tuple[str, ...] | None
    limit: int
    after: int


def parse(body: Any, types: Mapping[str, str]) -> SearchRequest:
    """Validate a search body against HubSpot's limits; `types` maps property -> type."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise SearchError("Invalid input JSON: expected an object")
    limit = _int(body.get("limit", DEFAULT_LIMIT), "limit")
    after = _int(body.get("after") or 0, "after")
    if limit < 0 or limit > MAX_LIMIT:
        raise SearchError(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
    if after + limit > MAX_RESULTS:
        raise SearchError(
            f"Search requests are limited to {MAX_RESULTS} results: after ({after}) plus "
            f"limit ({limit}) is past that"
        )
    raw_groups = body.get("filterGroups") or []
    if len(raw_groups) > MAX_GROUPS:
        raise SearchError(f"At most {MAX_GROUPS} filterGroups are allowed, got {len(raw_groups)}")
    groups = tuple(
        tuple(_filter(f, types) for f in (g or {}).get("filters") or []) for g in raw_groups
    )
    count = sum(len(g) for g in groups)
    if count > MAX_FILTERS:
        raise SearchError(f"At most {MAX_FILTERS} filters are allowed in all, got {count}")
    sorts = body.get("sorts") or []
    if len(sorts) > 1:
        raise SearchError("Only one sort is allowed")
    sort = _sort(sorts[0], types) if sorts else None
    props = body.get("properties")
    return SearchRequest(
        groups=tuple(g for g in groups if g),
        sort=sort,
        query=body.get("query") or None,
        properties=tuple(props) if props else None,
        limit=limit,
        after=after,
    )


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchError(f"{name} must be an integer, got {value!r}") from None


def _filter(raw: Any, types: Mapping[str, str]) -> Filter:
    if not isinstance(raw, dict):
        raise SearchError("each filter is an object")
    name = raw.get("propertyName")
    operator = raw.get("operator")
    if not isinstance(name, str) or name not in types:
        raise SearchError(f"Invalid property name in filter: {name!r}")
    if operator not in OPERATORS:
        raise SearchError(f"Unknown filter operator {operator!r}")
    value = raw.get("value")
    high = raw.get("highValue")
    values = tuple(str(v) for v in raw.get("values") or ())
    if operator in {"IN", "NOT_IN"} and not values:
        raise SearchError(f"{operator} needs a non-empty 'values' list")
    if operator == "BETWEEN" and (value is None or high is None):
        raise SearchError("BETWEEN needs 'value' and 'highValue'")
    needs_value = operator not in {"IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"}
    if needs_value and value is None:
        raise SearchError(f"{operator} needs a 'value'")
    return Filter(
        name,
        operator,
        None if value is None else str(value),
        None if high is None else str(high),
        values,
    )


def _sort(raw: Any, types: Mapping[str, str]) -> tuple[str, bool]:
    if isinstance(raw, str):
        name, descending = raw.lstrip("-"), raw.startswith("-")
    elif isinstance(raw, dict):
        name = raw.get("propertyName", "")
        descending = str(raw.get("direction", "ASCENDING")).upper().startswith("DESC")
    else:
        raise SearchError("each sort is an object {propertyName, direction}")
    if name not in types:
        raise SearchError(f"Invalid property name in sort: {name!r}")
    return name, descending


# evaluation ------------------------------------------------------------------------------------
def comparable(raw: Raw, kind: str) -> Comparable | None:
    """A stored value as something ordered: number, epoch ms, or lower-case text."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, int):  # already a number or epoch ms (store-maintained properties)
        return float(raw) if kind == "number" else raw
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return None
    if kind in {"datetime", "date"}:
        return parse_datetime_ms(raw)
    return raw.lower()


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w@.]+", text.lower()) if t]


def matches(f: Filter, raw: Raw, kind: str) -> bool:
    """Whether one stored value passes one filter."""
    return compile_filter(f, kind)(raw)


def compile_filter(f: Filter, kind: str) -> Callable[[Raw], bool]:
    """`matches` for one filter as a predicate on stored values, its filter values parsed once
    (a search evaluates the same filter against every record)."""
    op = f.operator
    if op in {"HAS_PROPERTY", "NOT_HAS_PROPERTY"}:
        present = op == "HAS_PROPERTY"
        return lambda raw: (comparable(raw, kind) is not None) == present
    if op in {"CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}:
        pattern = (f.value or "").lower()
        contains = op == "CONTAINS_TOKEN"

        def token_test(raw: Raw) -> bool:
            have = comparable(raw, kind)
            words = _tokens(str(raw)) if have is not None else []
            found = any(fnmatch.fnmatchcase(w, pattern) for w in words) or (
                have is not None and fnmatch.fnmatchcase(str(raw).lower(), pattern)
            )
            return found == contains

        return token_test
    if op in {"IN", "NOT_IN"}:
        wanted = {comparable(v, kind) for v in f.values}
        inside = op == "IN"
        return lambda raw: (comparable(raw, kind) in wanted) == inside
    want = comparable(f.value, kind)
    if op == "NEQ":
        return lambda raw: comparable(raw, kind) != want
    if want is None:
        return lambda raw: False
    test = _ordered(op, want, comparable(f.high_value, kind) if op == "BETWEEN" else None)

    def compare(raw: Raw) -> bool:
        have = comparable(raw, kind)
        return have is not None and type(have) is type(want) and test(have)

    return compare


def _ordered(op: str, want: Comparable, high: Comparable | None) -> Callable[[Any], bool]:
    if op == "EQ":
        return lambda have: bool(have == want)
    if op == "BETWEEN":
        if high is None or type(high) is not type(want):
            return lambda have: False
        return lambda have: bool(want <= have <= high)
    return {
        "LT": lambda have: bool(have < want),
        "LTE": lambda have: bool(have <= want),
        "GT": lambda have: bool(have > want),
        "GTE": lambda have: bool(have >= want),
    }[op]


def run(
    request: SearchRequest,
    rows: Iterable[tuple[int, Getter]],
    types: Mapping[str, str],
    text_properties: tuple[str, ...],
) -> tuple[int, list[int]]:
    """(total matches, ids of the requested page) over (id, property getter) rows."""
    groups = [
        [(f.property, compile_filter(f, types[f.property])) for f in group]
        for group in request.groups
    ]
    hits: list[tuple[int, Getter]] = []
    for object_id, get in rows:
        if groups and not any(all(test(get(name)) for name, test in group) for group in groups):
            continue
        if request.query and not _query_hit(request.query, get, text_properties):
            continue
        hits.append((object_id, get))
    hits.sort(key=lambda hit: hit[0])
    ids = [object_id for object_id, _ in hits]
    if request.sort is not None:
        name, descending = request.sort
        kind = types[name]
        keyed = [(comparable(get(name), kind), object_id) for object_id, get in hits]
        present = [(value, i) for value, i in keyed if value is not None]
        # a stable sort: ties keep id order in both directions; empty values go last
        present.sort(key=lambda pair: pair[0], reverse=descending)
        ids = [i for _, i in present] + [i for value, i in keyed if value is None]
    return len(ids), ids[request.after : request.after + request.limit]


def by_id_only(request: SearchRequest, id_name: str) -> bool:
    """True when the record id alone decides a search: every filter is on `id_name`, the sort is
    on it or absent, and there is no free-text query (the full-read pattern `hs_object_id GT x`
    sorted by id). `run_by_id` answers such a search without reading any other property."""
    return (
        request.query is None
        and (request.sort is None or request.sort[0] == id_name)
        and all(f.property == id_name for group in request.groups for f in group)
    )


def id_floor(request: SearchRequest, id_name: str) -> int:
    """The lowest record id that any filter group can match: records below it need not be
    looked at. 0 when some group leaves the id unbounded from below."""
    floors: list[int] = []
    for group in request.groups:
        floor = 0
        for f in group:
            if f.property != id_name:
                continue
            values = f.values if f.operator == "IN" else (f.value,)
            if f.operator not in {"GT", "GTE", "EQ", "BETWEEN", "IN"}:
                continue
            numbers = [comparable(v, "number") for v in values]
            if numbers and all(isinstance(n, float) for n in numbers):
                floor = max(floor, math.floor(min(float(n) for n in numbers if n is not None)))
        floors.append(floor)
    return max(0, min(floors)) if floors else 0


def run_by_id(request: SearchRequest, rows: Iterable[R], id_kind: str) -> tuple[int, list[R]]:
    """`run` for a search that `by_id_only` accepts, over rows in ascending id order whose first
    item is the record id: (total matches, rows of the requested page). The same answer as
    `run`, without reading any other property."""
    groups = [[compile_filter(f, id_kind) for f in group] for group in request.groups]
    if groups:
        hits = [row for row in rows if any(all(test(row[0]) for test in g) for g in groups)]
    else:
        hits = list(rows)
    if request.sort is not None and request.sort[1]:
        hits.reverse()
    return len(hits), hits[request.after : request.after + request.limit]


def _query_hit(query: str, get: Getter, text_properties: tuple[str, ...]) -> bool:
    needle = query.lower()
    return any(needle in str(get(name) or "").lower() for name in text_properties)
