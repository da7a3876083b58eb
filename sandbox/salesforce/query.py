"""Running SOQL: selecting rows, rendering records, and paging through query cursors.

Paging, deterministically:
- A page holds at most `batch` rows, counting each top-level record and each inline child row,
  as Salesforce counts them. The batch is the sandbox's `batch_size`, lowered by a
  `Sforce-Query-Options: batchSize=N` header (N clamped to 200..2000), and at most 200 when the
  query selects two or more custom long text area fields (as Salesforce documents under
  "Change the Batch Size in Queries").
- A record goes on the page whole when its row plus its inline child rows fit in the room left;
  otherwise it starts the next page.
- A child set inlines at most 200 rows (CHILD_INLINE_LIMIT). A larger set comes back with its
  first 200 rows, `done: false` and its own `nextRecordsUrl`. A record that opens a page and
  still does not fit has its child sets cut to the room left, in select order, the same way.
- `nextRecordsUrl` is `/services/data/vXX.X/query/01g...-N`, N the offset of the next row; a GET
  on it returns the next page. A cursor keeps the matching ids as of the first request and
  renders field values when a page is fetched. The newest 1,000 cursors stay open; an older
  locator answers INVALID_QUERY_LOCATOR.
- An empty child set is `null`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sandbox.salesforce.soql_parse import SoqlError, parse
from sandbox.salesforce.soql_plan import FieldColumn, Plan, SubqueryColumn, compile_query
from sandbox.salesforce.store import Row, SalesforceStore
from sandbox.salesforce.values import to_wire

CHILD_INLINE_LIMIT = 200
MAX_OPEN_CURSORS = 1000
LONG_TEXT_BATCH = 200  # the page cap of a query selecting two or more custom long text fields
_LONG_TEXT = 255


@dataclass
class Cursor:
    """The ids a query matched, and how to render and page them."""

    plan: Plan
    ids: list[str]
    include_deleted: bool
    batch: int


class Cursors:
    """Open query locators, newest last; thread-safe."""

    def __init__(self, store: SalesforceStore) -> None:
        self.store = store
        self._open: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, cursor: Cursor) -> str:
        locator = self.store.ids.new("01g")
        with self._lock:
            self._open[locator] = cursor
            while len(self._open) > MAX_OPEN_CURSORS:
                self._open.popitem(last=False)
        return locator

    def get(self, locator: str) -> Cursor:
        with self._lock:
            cursor = self._open.get(locator)
        if cursor is None:
            raise SoqlError("INVALID_QUERY_LOCATOR", "invalid query locator")
        return cursor


def select_ids(
    store: SalesforceStore, plan: Plan, include_deleted: bool, within: list[str] | None = None
) -> list[str]:
    """Ids of the rows the plan selects, filtered, sorted and cut; from `within` if given."""
    table = store.table(plan.sobject.name)
    rows = table.rows
    deleted_slot = plan.sobject.slots.get("IsDeleted")
    pairs = list(rows.items()) if within is None else [(i, rows[i]) for i in within]
    if deleted_slot is not None and not include_deleted:
        pairs = [(i, r) for i, r in pairs if not r[deleted_slot]]
    if plan.predicate is not None:
        predicate = plan.predicate
        pairs = [(i, r) for i, r in pairs if predicate(r)]
    for key in reversed(plan.order):
        get = key.get
        nulls = [p for p in pairs if get(p[1]) is None]
        values = [p for p in pairs if get(p[1]) is not None]
        values.sort(key=lambda p: get(p[1]), reverse=key.descending)
        pairs = nulls + values if key.nulls_first else values + nulls
    ids = [i for i, _ in pairs]
    end = None if plan.limit is None else plan.offset + plan.limit
    return ids[plan.offset : end]


def run(
    store: SalesforceStore,
    cursors: Cursors,
    soql: str,
    *,
    include_deleted: bool,
    batch: int,
    version: str,
) -> dict[str, Any]:
    """The first page of a query's result; SoqlError when Salesforce would refuse the query."""
    with store.lock:
        plan = compile_query(store, parse(soql), soql)
        ids = select_ids(store, plan, include_deleted)
        if plan.count_only:
            return {"totalSize": len(ids), "done": True, "records": []}
        if _custom_long_text_fields(plan) >= 2:
            batch = min(batch, LONG_TEXT_BATCH)
        return _page(store, cursors, Cursor(plan, ids, include_deleted, batch), 0, version, None)


def _custom_long_text_fields(plan: Plan) -> int:
    """Custom long text area fields the query selects, subqueries included."""
    count = 0
    for column in plan.columns:
        if isinstance(column, SubqueryColumn):
            count += _custom_long_text_fields(column.plan)
        elif (
            column.field.custom
            and column.field.type == "textarea"
            and column.field.length > _LONG_TEXT
        ):
            count += 1
    return count


def more(
    store: SalesforceStore, cursors: Cursors, locator: str, offset: int, version: str
) -> dict[str, Any]:
    """The page of an open cursor that starts at row `offset`."""
    cursor = cursors.get(locator)
    with store.lock:
        return _page(store, cursors, cursor, offset, version, locator)


def _page(
    store: SalesforceStore,
    cursors: Cursors,
    cursor: Cursor,
    offset: int,
    version: str,
    locator: str | None,
) -> dict[str, Any]:
    plan = cursor.plan
    rows = store.table(plan.sobject.name).rows
    subqueries = [c for c in plan.columns if isinstance(c, SubqueryColumn)]
    records: list[dict[str, Any]] = []
    used = 0
    index = offset
    while index < len(cursor.ids) and used < cursor.batch:
        record_id = cursor.ids[index]
        row = rows[record_id]
        child_ids = [
            select_ids(
                store, sub.plan, cursor.include_deleted, store.children_of(sub.rel, record_id)
            )
            for sub in subqueries
        ]
        takes = [min(len(ids), CHILD_INLINE_LIMIT) for ids in child_ids]
        if used + 1 + sum(takes) > cursor.batch:
            if records:
                break
            room = cursor.batch - 1
            for n, take in enumerate(takes):
                takes[n] = min(take, room)
                room -= takes[n]
        children = {
            id(sub): _child_set(store, cursors, sub, ids, take, cursor, version)
            for sub, ids, take in zip(subqueries, child_ids, takes, strict=True)
        }
        records.append(_render(store, plan, row, version, children))
        used += 1 + sum(takes)
        index += 1
    result: dict[str, Any] = {"totalSize": len(cursor.ids), "done": index >= len(cursor.ids)}
    if index < len(cursor.ids):
        locator = locator or cursors.open(cursor)
        result["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{index}"
    result["records"] = records
    return result


def _child_set(
    store: SalesforceStore,
    cursors: Cursors,
    sub: SubqueryColumn,
    ids: list[str],
    take: int,
    parent: Cursor,
    version: str,
) -> dict[str, Any] | None:
    if not ids:
        return None
    rows = store.table(sub.plan.sobject.name).rows
    result: dict[str, Any] = {"totalSize": len(ids), "done": take >= len(ids)}
    if take < len(ids):
        child_cursor = Cursor(sub.plan, ids, parent.include_deleted, parent.batch)
        locator = cursors.open(child_cursor)
        result["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{take}"
    result["records"] = [_render(store, sub.plan, rows[i], version, {}) for i in ids[:take]]
    return result


def _render(
    store: SalesforceStore,
    plan: Plan,
    row: Row,
    version: str,
    children: dict[int, dict[str, Any] | None],
) -> dict[str, Any]:
    record = _attributes(plan.sobject.name, row[plan.sobject.slots["Id"]], version)
    for column in plan.columns:
        if isinstance(column, SubqueryColumn):
            record[column.rel.name] = children.get(id(column))
        elif len(column.path) == 1:
            record[column.field.name] = to_wire(column.field.type, column.get(row))
        else:
            _place_parent_value(record, row, column, version)
    return record


def _place_parent_value(
    record: dict[str, Any], row: Row, column: FieldColumn, version: str
) -> None:
    """Nest `Owner.IsActive` as `{"Owner": {"attributes": ..., "IsActive": ...}}`, or null."""
    target: dict[str, Any] = record
    current: Row | None = row
    for depth, (ref_slot, parent_rows) in enumerate(column.hops):
        rel_name = column.path[depth]
        parent_id = current[ref_slot] if current is not None else None
        current = parent_rows.get(parent_id) if parent_id else None
        if current is None or parent_id is None:
            target.setdefault(rel_name, None)
            return
        nested = target.get(rel_name)
        if nested is None:
            nested = _attributes(column.types[depth + 1], parent_id, version)
            target[rel_name] = nested
        target = nested
    target[column.field.name] = to_wire(column.field.type, column.get(row))


def _attributes(sobject: str, record_id: str, version: str) -> dict[str, Any]:
    url = f"/services/data/v{version}/sobjects/{sobject}/{record_id}"
    return {"attributes": {"type": sobject, "url": url}}
