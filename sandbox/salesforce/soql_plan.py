"""A parsed SOQL query checked against the org's schema and compiled into plain functions.

Checks are Salesforce's: unknown objects (INVALID_TYPE), fields and relationships
(INVALID_FIELD, "No such column 'X' on entity 'Opportunity'"), values of the wrong type for a
field (INVALID_QUERY_FILTER_OPERATOR: a quoted date, a date for a dateTime field, a malformed id),
and long text areas, which Salesforce cannot filter or sort.

Comparison rules: text compares case-insensitively; null is a value (`Amount != 5` includes
null amounts, `Amount < 5` does not); date literals such as TODAY or LAST_N_DAYS:n are day ranges
in UTC, so `CloseDate = LAST_N_DAYS:30` is a range test and `SystemModstamp > TODAY` means
after today ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sandbox.salesforce.ids import to18
from sandbox.salesforce.schema import ChildRelationship, Field, SObjectType
from sandbox.salesforce.soql_parse import (
    Compare,
    Condition,
    InList,
    Junction,
    Like,
    Literal,
    Not,
    Path,
    Query,
    SoqlError,
)
from sandbox.salesforce.store import Row, SalesforceStore
from sandbox.salesforce.values import NUMERIC_TYPES, parse_date, parse_datetime

Getter = Callable[[Row], Any]
Predicate = Callable[[Row], bool]
_TEXT = frozenset({"string", "textarea", "picklist", "combobox", "email", "phone"})
_LONG_TEXT = 255


@dataclass
class FieldColumn:
    """A selected field: its canonical path (relationship names, then field) and a getter."""

    path: tuple[str, ...]
    field: Field
    types: tuple[str, ...]  # the sObject type at each step of the path
    get: Getter
    hops: list[tuple[int, dict[str, Row]]] = dc_field(
        default_factory=list
    )  # (ref slot, parent rows)


@dataclass
class SubqueryColumn:
    """A selected child relationship and the plan for its rows."""

    rel: ChildRelationship
    plan: Plan


@dataclass
class SortKey:
    get: Getter
    descending: bool
    nulls_first: bool


@dataclass
class Plan:
    """Everything needed to run a query: what to read, filter, sort and cut."""

    sobject: SObjectType
    columns: list[FieldColumn | SubqueryColumn] = dc_field(default_factory=list)
    predicate: Predicate | None = None
    order: list[SortKey] = dc_field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    count_only: bool = False


def compile_query(store: SalesforceStore, query: Query, soql: str) -> Plan:
    """Check `query` against the org and compile it; SoqlError when Salesforce would refuse it."""
    sobject = store.find_type(query.sobject)
    if sobject is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not supported. If you are attempting to use a "
            "custom object, be sure to append the '__c' after the entity name. Please reference "
            "your WSDL or the describe call for the appropriate names.",
            soql,
            query.sobject_pos,
        )
    return _Compiler(store, soql).plan(sobject, query, parent=None)


class _Compiler:
    def __init__(self, store: SalesforceStore, soql: str) -> None:
        self.store = store
        self.soql = soql
        self.today = store.today()

    def plan(self, sobject: SObjectType, query: Query, parent: SObjectType | None) -> Plan:
        plan = Plan(sobject, count_only=query.count)
        if query.count and query.fields:
            raise SoqlError(
                "MALFORMED_QUERY",
                "COUNT() cannot be used with other fields",
                self.soql,
                query.sobject_pos,
            )
        for item in query.fields:
            if isinstance(item, Query):
                plan.columns.append(self.subquery(sobject, item, parent))
            else:
                plan.columns.append(self.column(sobject, item))
        if query.where is not None:
            plan.predicate = self.condition(sobject, query.where)
        for key in query.order:
            column = self.column(sobject, key.path)
            self.require_filterable(column, key.path, "sorted")
            plan.order.append(SortKey(_sort_value(column), key.descending, key.nulls_first))
        plan.limit = query.limit
        plan.offset = query.offset or 0
        return plan

    def subquery(self, sobject: SObjectType, query: Query, parent: SObjectType | None) -> Any:
        rel = sobject.child(query.sobject)
        if parent is not None or rel is None:
            raise SoqlError(
                "INVALID_TYPE",
                f"Didn't understand relationship '{query.sobject}' in FROM part of query call. "
                "If you are attempting to use a custom relationship, be sure to append the '__r' "
                "after the custom relationship name. Please reference your WSDL or the describe "
                "call for the appropriate names.",
                self.soql,
                query.sobject_pos,
            )
        if query.count:
            raise SoqlError(
                "MALFORMED_QUERY",
                "COUNT() is not allowed in a subquery",
                self.soql,
                query.sobject_pos,
            )
        return SubqueryColumn(rel, self.plan(self.store.schema[rel.child], query, sobject))

    def column(self, sobject: SObjectType, path: Path) -> FieldColumn:
        parts = path.parts
        if (
            len(parts) > 1
            and parts[0].lower() == sobject.name.lower()
            and not sobject.parent(parts[0])
        ):
            parts = parts[1:]
        current = sobject
        canonical: list[str] = []
        types = [sobject.name]
        hops: list[tuple[int, dict[str, Row]]] = []
        for rel_name in parts[:-1]:
            ref = current.parent(rel_name)
            targets = [t for t in (ref.reference_to if ref else ()) if t in self.store.schema]
            target = targets[0] if targets else None
            if ref is None or target is None or ref.relationship is None:
                raise SoqlError(
                    "INVALID_FIELD",
                    f"Didn't understand relationship '{rel_name}' in field path. If you are "
                    "attempting to use a custom relationship, be sure to append the '__r' after "
                    "the custom relationship name. Please reference your WSDL or the describe "
                    "call for the appropriate names.",
                    self.soql,
                    path.pos,
                )
            hops.append((current.slots[ref.name], self.store.table(target).rows))
            canonical.append(ref.relationship)
            current = self.store.schema[target]
            types.append(current.name)
        found = current.field(parts[-1])
        if found is None:
            raise SoqlError(
                "INVALID_FIELD",
                f"No such column '{parts[-1]}' on entity '{current.name}'. If you are attempting "
                "to use a custom field, be sure to append the '__c' after the custom field name. "
                "Please reference your WSDL or the describe call for the appropriate names.",
                self.soql,
                path.pos,
            )
        canonical.append(found.name)
        return FieldColumn(
            tuple(canonical), found, tuple(types), _getter(hops, current.slots[found.name]), hops
        )

    def require_filterable(self, column: FieldColumn, path: Path, verb: str) -> None:
        if column.field.type == "textarea" and column.field.length > _LONG_TEXT:
            raise SoqlError(
                "INVALID_FIELD",
                f"field '{column.field.name}' can not be {verb} in a query call",
                self.soql,
                path.pos,
            )

    # conditions ---------------------------------------------------------------------------
    def condition(self, sobject: SObjectType, node: Condition) -> Predicate:
        if isinstance(node, Junction):
            parts = [self.condition(sobject, part) for part in node.parts]
            if node.op == "AND":
                return lambda row: all(p(row) for p in parts)
            return lambda row: any(p(row) for p in parts)
        if isinstance(node, Not):
            inner = self.condition(sobject, node.inner)
            return lambda row: not inner(row)
        column = self.column(sobject, node.path)
        self.require_filterable(column, node.path, "filtered")
        get = column.get
        if isinstance(node, Like):
            if column.field.type not in _TEXT and column.field.type not in ("id", "reference"):
                raise self.bad_operator(column, node.pattern, "LIKE")
            regex = _like_regex(node.pattern.value)
            return lambda row: (v := get(row)) is not None and regex.fullmatch(v) is not None
        if isinstance(node, InList):
            if node.subquery is not None:
                allowed = self.semi_join(node.subquery, node.path)
            else:
                allowed = {self.point(column, value) for value in node.values}
            norm = _normalizer(column.field)
            if node.negated:
                return lambda row: norm(get(row)) not in allowed
            return lambda row: norm(get(row)) in allowed
        return self.compare(column, node)

    def compare(self, column: FieldColumn, node: Compare) -> Predicate:
        get, op, literal = column.get, node.op, node.value
        if literal.kind == "relative":
            lo, hi = self.day_range(column, literal)
            tests: dict[str, Callable[[Any], bool]] = {
                "=": lambda v: lo <= v < hi,
                "!=": lambda v: not lo <= v < hi,
                "<": lambda v: v < lo,
                "<=": lambda v: v < hi,
                ">": lambda v: v >= hi,
                ">=": lambda v: v >= lo,
            }
            test = tests[op]
            if op == "!=":
                return lambda row: (v := get(row)) is None or test(v)
            return lambda row: (v := get(row)) is not None and test(v)
        target = self.point(column, literal)
        norm = _normalizer(column.field)
        if op == "=":
            return lambda row: norm(get(row)) == target
        if op == "!=":
            return lambda row: norm(get(row)) != target
        if target is None:
            return lambda row: False
        ordered: dict[str, Callable[[Any], bool]] = {
            "<": lambda v: v < target,
            "<=": lambda v: v <= target,
            ">": lambda v: v > target,
            ">=": lambda v: v >= target,
        }
        check = ordered[op]
        return lambda row: (v := norm(get(row))) is not None and check(v)

    def semi_join(self, query: Query, path: Path) -> set[Any]:
        from sandbox.salesforce.query import select_ids

        plan = compile_query(self.store, query, self.soql)
        columns = [c for c in plan.columns if isinstance(c, FieldColumn)]
        if (
            len(columns) != 1
            or len(plan.columns) != 1
            or columns[0].field.type
            not in (
                "id",
                "reference",
            )
        ):
            raise SoqlError(
                "MALFORMED_QUERY",
                "semi join sub-selects can only select an Id field",
                self.soql,
                path.pos,
            )
        rows = self.store.table(plan.sobject.name).rows
        return {columns[0].get(rows[i]) for i in select_ids(self.store, plan, False)}

    def point(self, column: FieldColumn, literal: Literal) -> Any:
        """The literal as a value comparable with the field's (normalized) values."""
        kind, ftype = literal.kind, column.field.type
        if kind == "null":
            return None
        if ftype in ("id", "reference") and kind == "string":
            canonical = to18(literal.value)
            if canonical is None:
                raise SoqlError(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    f"invalid ID field: {literal.value}",
                    self.soql,
                    literal.pos,
                )
            return canonical
        if ftype in _TEXT and kind == "string":
            return str(literal.value).casefold()
        if ftype == "boolean" and kind == "boolean":
            return literal.value
        if (ftype in NUMERIC_TYPES) and kind == "number":
            return literal.value
        if ftype == "date" and kind == "date":
            return parse_date(literal.value)
        if ftype == "datetime" and kind == "datetime":
            return parse_datetime(literal.value)
        raise self.bad_operator(column, literal, None)

    def day_range(self, column: FieldColumn, literal: Literal) -> tuple[Any, Any]:
        if column.field.type not in ("date", "datetime"):
            raise self.bad_operator(column, literal, None)
        word, amount = literal.value
        today = self.today
        spans = {
            "TODAY": (0, 1),
            "YESTERDAY": (-1, 0),
            "TOMORROW": (1, 2),
            "LAST_90_DAYS": (-90, 1),
            "NEXT_90_DAYS": (1, 91),
            "LAST_N_DAYS": (-amount, 1),
            "NEXT_N_DAYS": (1, amount + 1),
            "N_DAYS_AGO": (-amount, -amount + 1),
        }
        start, end = spans[word]
        lo, hi = today + timedelta(days=start), today + timedelta(days=end)
        if column.field.type == "datetime":
            return _midnight(lo), _midnight(hi)
        return lo, hi

    def bad_operator(self, column: FieldColumn, literal: Literal, op: str | None) -> SoqlError:
        name = column.field.name
        if op is not None:
            message = f"invalid operator on {column.field.type} field: {name} {op}"
        else:
            wanted = {
                "datetime": "dateTime",
                "reference": "id",
                "currency": "double",
                "percent": "double",
                "int": "int",
            }.get(column.field.type, column.field.type)
            quoted = "" if column.field.type in _TEXT else " and should not be enclosed in quotes"
            message = (
                f"value of filter criterion for field '{name}' must be of type {wanted}{quoted}"
            )
        return SoqlError("INVALID_QUERY_FILTER_OPERATOR", message, self.soql, literal.pos)


def _getter(hops: list[tuple[int, dict[str, Row]]], slot: int) -> Getter:
    if not hops:
        return lambda row: row[slot]

    def get(row: Row) -> Any:
        current: Row | None = row
        for ref_slot, rows in hops:
            parent_id = current[ref_slot] if current is not None else None
            current = rows.get(parent_id) if parent_id is not None else None
        return current[slot] if current is not None else None

    return get


def _normalizer(item: Field) -> Callable[[Any], Any]:
    if item.type in _TEXT:
        return lambda v: v.casefold() if isinstance(v, str) else v
    if item.type in NUMERIC_TYPES:
        return lambda v: float(v) if v is not None else None
    return lambda v: v


def _sort_value(column: FieldColumn) -> Getter:
    norm = _normalizer(column.field)
    get = column.get
    return lambda row: norm(get(row))


def _like_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
