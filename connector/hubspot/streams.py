"""Deal streams: the full read and the incremental read, as lazy `DealStream`s.

Full read (`full_read`): deals by search partitioned on `hs_object_id` (200 a page, a new query
before the 10,000 cap), hydrated 1,000 at a time. Before it starts it takes each polled type's
newest modification time as the next incremental cursor.

Incremental read (`changed_read`), in four steps, each one search call when nothing changed:
1. deals whose `hs_lastmodifieddate` moved (deal properties, stage);
2. contacts whose `lastmodifieddate` moved (e.g. `notes_last_contacted`): their deals are found
   through contact->deal associations and re-read;
3. tasks whose `hs_lastmodifieddate` moved (a task created, completed or deleted on a deal by
   someone else): their deals, likewise through task->deal associations;
4. archived deals (`GET /crm/v3/objects/deals?archived=true`, which is not filterable by date:
   one call per 100 deals archived in HubSpot's 90-day retention) archived after the cursor.

What it does not see: an association added, removed or relabelled with no change to either
record (a contact's role label changed on the deal, an existing contact linked to the deal).
HubSpot keeps no modification time for associations, so those reach dealgate at the next full
rescan (`full_rescan_hours`), which re-reads every association.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.base import Cursor, RawDeal, ReadSpec
from connector.hubspot import vocab
from connector.hubspot.answers import results_of
from connector.hubspot.cursor import Mark, decode, encode
from connector.hubspot.reads import associations, batch_read, deal_properties, hydrate, in_chunks
from connector.hubspot.records import Json, TaskVersion, record_ms, task_version, time_ms, to_ms
from connector.hubspot.search import latest_ms, scan_by_id, scan_modified
from connector.hubspot.transport import Transport

ARCHIVED_KEY = "archived"
MAX_YIELDED = 200_000  # deal ids remembered per incremental read to avoid yielding one twice


@dataclass
class Outcome:
    """What a stream knows once iterated: the next cursor and the deleted deal ids."""

    cursor: dict[str, str]
    deleted: list[str] = field(default_factory=list)


class HubSpotDealStream:
    """A `connector.base.DealStream` over a generator that fills in its `Outcome`."""

    def __init__(self, run: Callable[[Outcome], Iterator[RawDeal]], cursor: Cursor) -> None:
        self._run = run
        self._outcome = Outcome(dict(cursor))

    def __iter__(self) -> Iterator[RawDeal]:
        return self._run(self._outcome)

    @property
    def cursor(self) -> Cursor:
        return dict(self._outcome.cursor)

    @property
    def deleted_ids(self) -> Sequence[str]:
        return tuple(self._outcome.deleted)


@dataclass
class ReadContext:
    transport: Transport
    spec: ReadSpec
    now: datetime
    lookback_ms: int
    # task id -> the version dealgate's last write left (see `_Linked.is_own_write`)
    own_writes: Mapping[str, TaskVersion] = field(default_factory=dict)


def full_read(ctx: ReadContext) -> HubSpotDealStream:
    """Every live deal, hydrated; the cursor starts incremental reads after this read."""

    def run(out: Outcome) -> Iterator[RawDeal]:
        t = ctx.transport
        deals_at = latest_ms(t, vocab.DEALS, vocab.DEAL_MODIFIED) or 0
        contacts_at = latest_ms(t, vocab.CONTACTS, vocab.CONTACT_MODIFIED) or 0
        tasks_at = latest_ms(t, vocab.TASKS, vocab.TASK_MODIFIED) or 0
        window_start = deals_at - ctx.lookback_ms
        settled = to_ms(ctx.now) - ctx.lookback_ms
        seen = Mark(deals_at)
        deals = scan_by_id(t, vocab.DEALS, deal_properties(ctx.spec))
        for chunk in in_chunks(deals):
            recent = [(str(d["id"]), record_ms(d, vocab.DEAL_MODIFIED) or 0) for d in chunk]
            seen = seen.remember([(i, ms) for i, ms in recent if ms >= window_start], window_start)
            yield from hydrate(t, ctx.spec, chunk, ctx.now)
        out.cursor = {
            **encode(vocab.DEALS, seen.settle(settled)),
            # contacts and tasks were read through consistent batch reads: all changes up to
            # the start are in this read, so the next poll starts after them.
            **encode(vocab.CONTACTS, Mark(contacts_at, contacts_at)),
            **encode(vocab.TASKS, Mark(tasks_at, tasks_at)),
            ARCHIVED_KEY: str(max(0, window_start)),
        }

    return HubSpotDealStream(run, {})


def changed_read(ctx: ReadContext, since: Cursor) -> HubSpotDealStream:
    """Deals changed since `since` (see the module docstring for what counts as a change)."""

    def run(out: Outcome) -> Iterator[RawDeal]:
        yielded: set[str] = set()
        cursor: dict[str, str] = {}
        mark = decode(since, vocab.DEALS)
        advanced = mark

        def fresh_deals() -> Iterator[Json]:
            start = mark.search_from(ctx.lookback_ms)
            props = deal_properties(ctx.spec)
            modified = vocab.DEAL_MODIFIED
            for deal in scan_modified(ctx.transport, vocab.DEALS, modified, start, props):
                if not mark.is_seen(str(deal["id"]), record_ms(deal, modified) or 0):
                    yield deal

        for chunk in in_chunks(fresh_deals()):
            pairs = [(str(d["id"]), record_ms(d, vocab.DEAL_MODIFIED) or 0) for d in chunk]
            advanced = advanced.advance(pairs, ctx.lookback_ms)
            fresh = [d for d in chunk if _first_time(str(d["id"]), yielded)]
            yield from hydrate(ctx.transport, ctx.spec, fresh, ctx.now)
        settled = to_ms(ctx.now) - ctx.lookback_ms
        cursor.update(encode(vocab.DEALS, advanced.settle(settled)))

        for kind, modified in (
            (vocab.CONTACTS, vocab.CONTACT_MODIFIED),
            (vocab.TASKS, vocab.TASK_MODIFIED),
        ):
            linked = _Linked(ctx, kind, modified, decode(since, kind), yielded)
            yield from linked.changes()
            cursor.update(encode(kind, linked.advanced.settle(settled)))

        archived_after = int(since.get(ARCHIVED_KEY, "0") or 0)
        newest = archived_after
        for deal in _archived_deals(ctx.transport):
            archived_ms = time_ms(deal.get("archivedAt")) or 0
            if archived_ms > archived_after:
                out.deleted.append(str(deal["id"]))
                newest = max(newest, archived_ms)
        cursor[ARCHIVED_KEY] = str(newest)
        out.cursor = cursor

    return HubSpotDealStream(run, since)


class _Linked:
    """Deals (not yet yielded) linked to contacts or tasks changed since `mark`."""

    def __init__(self, ctx: ReadContext, kind: str, modified: str, mark: Mark, yielded: set[str]):
        self.ctx, self.kind, self.modified, self.mark = ctx, kind, modified, mark
        self.yielded = yielded
        self.advanced = mark

    def changes(self) -> Iterator[RawDeal]:
        ctx, modified = self.ctx, self.modified
        start = self.mark.search_from(ctx.lookback_ms)
        changed: list[tuple[str, int]] = []
        wanted = [modified, *vocab.TASK_WATCHED] if self.kind == vocab.TASKS else [modified]
        for record in scan_modified(ctx.transport, self.kind, modified, start, wanted):
            record_id, ms = str(record["id"]), record_ms(record, modified) or 0
            if self.mark.is_seen(record_id, ms) or self.is_own_write(record_id, record):
                continue
            changed.append((record_id, ms))
            if len(changed) >= vocab.ASSOCIATION_BATCH:
                yield from self._flush(changed)
        if changed:
            yield from self._flush(changed)

    def is_own_write(self, record_id: str, record: Json) -> bool:
        """Whether this task version is exactly the one dealgate's own write left.

        The modification time alone cannot tell: someone else's edit in the same millisecond
        keeps it. So every value dealgate acts on must equal the write answer's too; anything
        else is a change to read. A version skipped here is not remembered as seen, so a search
        index that still shows dealgate's version is asked again at the next poll."""
        if self.kind != vocab.TASKS:
            return False  # ids are unique per object type only: a contact may share a task's id
        own = self.ctx.own_writes.get(record_id)
        return own is not None and own == task_version(record)

    def _flush(self, changed: list[tuple[str, int]]) -> Iterator[RawDeal]:
        ctx = self.ctx
        self.advanced = self.advanced.advance(changed, ctx.lookback_ms)
        links = associations(ctx.transport, self.kind, vocab.DEALS, [i for i, _ in changed])
        changed.clear()
        linked = dict.fromkeys(d for pairs in links.values() for d, _ in pairs)
        deal_ids = [d for d in linked if _first_time(d, self.yielded)]
        for ids in _slices(deal_ids, vocab.ASSOCIATION_BATCH):
            records = batch_read(ctx.transport, vocab.DEALS, ids, deal_properties(ctx.spec))
            chunk = [records[i] for i in ids if i in records]
            yield from hydrate(ctx.transport, ctx.spec, chunk, ctx.now)


def _first_time(deal_id: str, yielded: set[str]) -> bool:
    """Whether a deal is new to this read; past MAX_YIELDED ids, repeats are let through
    (a deal read twice is evaluated twice, harmlessly) so that memory stays bounded."""
    if deal_id in yielded:
        return False
    if len(yielded) < MAX_YIELDED:
        yielded.add(deal_id)
    return True


def _slices(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _archived_deals(transport: Transport) -> Iterator[Json]:
    """Every archived deal HubSpot still keeps (ids and `archivedAt` only)."""
    after: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "limit": vocab.LIST_PAGE,
            "properties": [vocab.OBJECT_ID],
            "archived": "true",
        }
        if after is not None:
            kwargs["after"] = after
        page = transport.call("archived deals", "deals.basic", "get_page", **kwargs)
        yield from results_of(page, "archived deals")
        after = ((page.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            return
