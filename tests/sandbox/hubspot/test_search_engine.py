"""The search engine's operators and limits as a table (pure functions, no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.hubspot import search
from sandbox.hubspot.search import Filter, SearchError, matches

TYPES = {
    "dealname": "string",
    "amount": "number",
    "closedate": "datetime",
    "hs_object_id": "number",
}


@pytest.mark.parametrize(
    ("flt", "raw", "kind", "expected"),
    [
        pytest.param(Filter("p", "EQ", "Acme"), "acme", "string", True, id="eq-ignores-case"),
        pytest.param(Filter("p", "EQ", "100"), "100.0", "number", True, id="eq-numeric"),
        pytest.param(Filter("p", "EQ", "x"), None, "string", False, id="eq-missing"),
        pytest.param(Filter("p", "NEQ", "x"), None, "string", True, id="neq-missing-matches"),
        pytest.param(Filter("p", "NEQ", "x"), "X", "string", False, id="neq-same"),
        pytest.param(Filter("p", "LT", "100"), "99.5", "number", True, id="lt"),
        pytest.param(Filter("p", "LT", "100"), "100", "number", False, id="lt-equal"),
        pytest.param(Filter("p", "LTE", "100"), "100", "number", True, id="lte-equal"),
        pytest.param(Filter("p", "GT", "9"), "10", "number", True, id="gt-numeric-not-text"),
        pytest.param(Filter("p", "GTE", "10"), "10", "number", True, id="gte"),
        pytest.param(
            Filter("p", "GTE", "1767225600000"),
            "2026-01-01T00:00:00.000Z",
            "datetime",
            True,
            id="gte-epoch-ms",
        ),
        pytest.param(
            Filter("p", "LT", "2026-01-01T00:00:00Z"),
            "2025-12-31T23:59:59.999Z",
            "datetime",
            True,
            id="lt-iso-value",
        ),
        pytest.param(Filter("p", "GT", "5"), None, "number", False, id="gt-missing"),
        pytest.param(
            Filter("p", "BETWEEN", "10", "20"), "20", "number", True, id="between-inclusive"
        ),
        pytest.param(Filter("p", "BETWEEN", "10", "20"), "21", "number", False, id="between-out"),
        pytest.param(Filter("p", "IN", values=("a", "b")), "B", "string", True, id="in"),
        pytest.param(Filter("p", "IN", values=("a",)), "c", "string", False, id="in-miss"),
        pytest.param(Filter("p", "NOT_IN", values=("a",)), "c", "string", True, id="not-in"),
        pytest.param(Filter("p", "HAS_PROPERTY"), "", "string", False, id="has-empty"),
        pytest.param(Filter("p", "HAS_PROPERTY"), "x", "string", True, id="has"),
        pytest.param(Filter("p", "NOT_HAS_PROPERTY"), None, "string", True, id="not-has"),
        pytest.param(
            Filter("p", "CONTAINS_TOKEN", "inventory"),
            "IC tag inventory system",
            "string",
            True,
            id="token",
        ),
        pytest.param(
            Filter("p", "CONTAINS_TOKEN", "invent*"),
            "IC tag inventory",
            "string",
            True,
            id="token-wildcard",
        ),
        pytest.param(
            Filter("p", "CONTAINS_TOKEN", "vent"),
            "IC tag inventory",
            "string",
            False,
            id="token-not-substring",
        ),
        pytest.param(
            Filter("p", "NOT_CONTAINS_TOKEN", "tag"), "IC tag", "string", False, id="not-token"
        ),
    ],
)
def test_operator(flt: Filter, raw: str | None, kind: str, expected: bool) -> None:
    assert matches(flt, raw, kind) is expected


def _groups(n_groups: int, per_group: int) -> list[dict[str, object]]:
    flt = {"propertyName": "amount", "operator": "GT", "value": "1"}
    return [{"filters": [flt] * per_group} for _ in range(n_groups)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"filterGroups": _groups(6, 1)}, "filterGroups", id="six-groups"),
        pytest.param({"filterGroups": _groups(5, 6)}, "filters", id="thirty-filters"),
        pytest.param({"limit": 201}, "limit", id="limit-over-200"),
        pytest.param({"after": "9901", "limit": 100}, "10000", id="past-10000"),
        pytest.param({"sorts": ["amount", "dealname"]}, "one sort", id="two-sorts"),
        pytest.param(
            {
                "filterGroups": [
                    {"filters": [{"propertyName": "nope", "operator": "EQ", "value": 1}]}
                ]
            },
            "nope",
            id="unknown-property",
        ),
        pytest.param(
            {"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "LIKE"}]}]},
            "LIKE",
            id="unknown-operator",
        ),
        pytest.param(
            {"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "IN"}]}]},
            "values",
            id="in-without-values",
        ),
    ],
)
def test_limits_are_refused(body: dict[str, object], message: str) -> None:
    with pytest.raises(SearchError, match=message):
        search.parse(body, TYPES)


def test_exactly_10000_results_is_still_allowed() -> None:
    request = search.parse({"after": "9800", "limit": 200}, TYPES)
    assert (request.after, request.limit) == (9800, 200)


def test_groups_are_ored_and_filters_anded() -> None:
    rows = {
        1: {"dealname": "a", "amount": "5"},
        2: {"dealname": "b", "amount": "50"},
        3: {"dealname": "a", "amount": "500"},
    }
    body = {
        "filterGroups": [
            {"filters": [
                {"propertyName": "dealname", "operator": "EQ", "value": "a"},
                {"propertyName": "amount", "operator": "GT", "value": "100"},
            ]},
            {"filters": [{"propertyName": "dealname", "operator": "EQ", "value": "b"}]},
        ]
    }  # fmt: skip
    request = search.parse(body, TYPES)
    total, ids = search.run(request, [(i, p.get) for i, p in rows.items()], TYPES, ("dealname",))
    assert (total, ids) == (2, [2, 3])


def test_sort_descending_keeps_id_order_for_ties_and_puts_empty_last() -> None:
    rows = {1: {"amount": "5"}, 2: {"amount": "9"}, 3: {}, 4: {"amount": "9"}}
    request = search.parse(
        {"sorts": [{"propertyName": "amount", "direction": "DESCENDING"}], "limit": 10}, TYPES
    )
    _, ids = search.run(request, [(i, p.get) for i, p in rows.items()], TYPES, ())
    assert ids == [2, 4, 1, 3]


def _id_filter(
    operator: str, value: str = "", *values: str, high: str | None = None
) -> dict[str, Any]:
    return {
        "propertyName": "hs_object_id",
        "operator": operator,
        **({"value": value} if value else {}),
        **({"values": list(values)} if values else {}),
        **({"highValue": high} if high else {}),
    }


AMOUNT_OVER_ONE = {"propertyName": "amount", "operator": "GT", "value": "1"}

ID_ONLY_BODIES = [
    {},
    {"sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}]},
    {"filterGroups": [{"filters": [_id_filter("GT", "10")]}]},
    {"filterGroups": [{"filters": [_id_filter("GTE", "10"), _id_filter("LT", "20")]}]},
    {"filterGroups": [{"filters": [_id_filter("IN", "", "3", "7", "25")]}]},
    {"filterGroups": [{"filters": [_id_filter("BETWEEN", "5", high="8")]}]},
    {"filterGroups": [{"filters": [_id_filter("NEQ", "4")]}]},
    {
        "filterGroups": [
            {"filters": [_id_filter("GT", "27")]},
            {"filters": [_id_filter("EQ", "2")]},
        ],
        "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}],
    },
    {"filterGroups": [{"filters": [_id_filter("GT", "12.5")]}], "after": 3},
]


@pytest.mark.parametrize("body", ID_ONLY_BODIES)
@pytest.mark.parametrize(("after", "limit"), [(0, 4), (2, 5), (0, 200)])
def test_id_range_fast_path_answers_like_the_full_scan(
    body: dict[str, Any],
    after: int,
    limit: int,
) -> None:
    # ids with gaps, as archived or not-yet-indexed records leave them
    rows = {i: {"dealname": f"d{i}"} for i in range(1, 31) if i % 6}
    request = search.parse({**body, "after": body.get("after", after), "limit": limit}, TYPES)
    assert search.by_id_only(request, "hs_object_id")
    expected = search.run(
        request,
        [(i, {**p, "hs_object_id": i}.get) for i, p in rows.items()],
        TYPES,
        ("dealname",),
    )
    floor = search.id_floor(request, "hs_object_id")
    visible = [(i, p) for i, p in rows.items() if i >= floor]
    total, page = search.run_by_id(request, visible, "number")
    assert (total, [i for i, _ in page]) == expected


@pytest.mark.parametrize(
    ("body", "by_id"),
    [
        ({"query": "d1"}, False),
        ({"sorts": [{"propertyName": "amount", "direction": "ASCENDING"}]}, False),
        ({"filterGroups": [{"filters": [_id_filter("GT", "3"), AMOUNT_OVER_ONE]}]}, False),
        ({"filterGroups": [{"filters": [_id_filter("GT", "3")]}]}, True),
    ],
)  # fmt: skip
def test_only_id_filters_and_id_sort_take_the_fast_path(body: dict[str, Any], by_id: bool) -> None:
    assert search.by_id_only(search.parse(body, TYPES), "hs_object_id") is by_id


@pytest.mark.parametrize(
    ("filters", "floor"),
    [
        ([[_id_filter("GT", "41")]], 41),
        ([[_id_filter("GTE", "41.7")]], 41),
        ([[_id_filter("IN", "", "9", "4")]], 4),
        ([[_id_filter("GT", "41")], [_id_filter("EQ", "7")]], 7),
        ([[_id_filter("GT", "41")], [AMOUNT_OVER_ONE]], 0),
        ([[_id_filter("LT", "41")]], 0),
        ([[_id_filter("GT", "abc")]], 0),
        ([], 0),
    ],
)  # fmt: skip
def test_id_floor_never_passes_a_record_that_could_match(
    filters: list[list[dict[str, Any]]], floor: int
) -> None:
    body = {"filterGroups": [{"filters": group} for group in filters]}
    assert search.id_floor(search.parse(body, TYPES), "hs_object_id") == floor
