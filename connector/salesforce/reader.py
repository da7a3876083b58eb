"""Reading deals: full reads, incremental reads, marker tasks. Streams, never the whole org.

A full read is one SOQL query paged by `nextRecordsUrl`; child sets that Salesforce truncates
inside a page (`done: false` in a subquery, which simple-salesforce's query_all ignores, its
issue #311) are paged on their own before the deal is handed on.

An incremental cycle asks each object once for what changed since its watermark
(`connector.salesforce.cursor`): Opportunity with the full deal query; OpportunityContactRole,
Task (on an Opportunity) and Contact for ids only, since their changes need not move the
Opportunity's own SystemModstamp; the affected deals are then read by id. Deleted opportunities
are in the same queryAll answer as the changed ones. A quiet cycle costs one call per object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from connector.base import Cursor, RawDeal, RawTask, ReadSpec
from connector.readahead import read_ahead
from connector.salesforce import cursor as marks
from connector.salesforce import soql
from connector.salesforce.client import SalesforceClient, checked_page
from connector.salesforce.records import child_page, raw_deal, raw_task

# An Opportunity row with its complete contact roles and tasks, as read: turned into a RawDeal by
# the consumer, just before it maps it (its fields are still in the CPU's caches then).
_Row = tuple[Mapping[str, Any], list[Any], list[Any]]


@dataclass
class SalesforceDealStream:
    """A `connector.base.DealStream` over a generator; the cursor and the deleted ids are final
    once iteration has finished."""

    source: Callable[[SalesforceDealStream], Iterator[RawDeal]]
    cursor: Cursor = field(default_factory=dict)
    deleted_ids: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[RawDeal]:
        return self.source(self)


class DealReader:
    """Deal queries against one client; `lookback` widens every incremental window."""

    def __init__(
        self,
        client: SalesforceClient,
        lookback: timedelta,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.lookback = lookback
        self.now = now

    # deals ------------------------------------------------------------------------------------
    def _children(self, record: Mapping[str, Any], relationship: str) -> list[Any]:
        rows, next_url = child_page(record, relationship)
        while next_url:
            what = f"query on {relationship}"
            page = checked_page(self.client.query_more(next_url), what, len(rows))
            rows.extend(page["records"])
            next_url = None if page.get("done", True) else page.get("nextRecordsUrl")
        return rows

    def deals(
        self, spec: ReadSpec, query: str, *, include_deleted: bool = False
    ) -> Iterator[RawDeal]:
        """The deals a deal query returns, each with its complete contact roles and tasks.
        The next page is read ahead while the caller works on this one (`connector.readahead`)."""
        for page in read_ahead(self._pages(query, include_deleted)):
            for record, roles, tasks in page:
                yield raw_deal(record, roles, tasks, spec)

    def _pages(self, query: str, include_deleted: bool) -> Iterator[list[_Row]]:
        for page in self.client.pages(query, include_deleted=include_deleted):
            rows: list[_Row] = []
            for record in page.get("records") or []:
                roles = self._children(record, soql.CONTACT_ROLES)
                tasks = self._children(record, soql.TASKS)
                rows.append((record, roles, tasks))
            yield rows

    def deals_by_id(self, spec: ReadSpec, ids: Sequence[str]) -> Iterator[RawDeal]:
        """Deals by id, in as few queries as the URL length allows."""
        template = soql.encoded_length(soql.deals_by_id(spec, []))
        for chunk in soql.id_chunks(ids, template):
            yield from self.deals(spec, soql.deals_by_id(spec, chunk))

    def read_all(self, spec: ReadSpec) -> SalesforceDealStream:
        """Every opportunity, with no query beyond the deal pages. Its cursor starts every
        watermark at the moment the read began (client clock; the lookback window covers clock
        skew and late commits), so the next incremental read picks up whatever changed during
        or after the full read, at the cost of re-reading what changed just before it."""
        started = self.now()

        def source(stream: SalesforceDealStream) -> Iterator[RawDeal]:
            yield from self.deals(spec, soql.all_deals(spec))
            stream.cursor = marks.encode({name: marks.Watermark(started) for name in marks.OBJECTS})

        return SalesforceDealStream(source)

    # incremental ------------------------------------------------------------------------------
    def read_changed(self, spec: ReadSpec, since: Cursor) -> SalesforceDealStream:
        """Deals changed since the cursor; an empty cursor means a full read that positions
        every watermark first (so nothing changed during the read is lost)."""
        if marks.is_empty(since):
            return SalesforceDealStream(lambda stream: self._first(spec, stream), dict(since))
        return SalesforceDealStream(lambda stream: self._changes(spec, since, stream), dict(since))

    def _latest(self, sobject: str) -> marks.Watermark:
        """A watermark at the newest row of `sobject`, remembering the newest rows inside its
        window: their current versions are reflected by the full read that follows. One page
        only; rows of the window beyond it are merely read again next cycle."""
        builder = marks.WatermarkBuilder(marks.Watermark())
        what = f"query on {sobject}"
        for row in checked_page(self.client.query(soql.latest_changes(sobject)), what)["records"]:
            builder.add(str(row["Id"]), str(row.get("SystemModstamp") or ""))
        return builder.build(self.lookback)

    def _first(self, spec: ReadSpec, stream: SalesforceDealStream) -> Iterator[RawDeal]:
        # Position before reading: a query cursor fixes its ids at the first page but renders
        # values as pages are fetched, so stamps seen during a long read are no safe watermark.
        start = {
            marks.DEALS: self._latest(soql.OPPORTUNITY),
            marks.CONTACT_ROLES: self._latest(soql.CONTACT_ROLE),
            marks.TASKS: self._latest(soql.TASK),
            marks.CONTACTS: self._latest(soql.CONTACT),
        }
        handed_on = marks.WatermarkBuilder(start[marks.DEALS])
        for deal in self.deals(spec, soql.all_deals(spec)):
            handed_on.add(deal.id, str(deal.fields.get("SystemModstamp") or ""))
            yield deal
        stream.cursor = marks.encode(
            {**start, marks.DEALS: handed_on.build(self.lookback, advance=False)}
        )

    def _changed_rows(
        self, mark: marks.Watermark, query: str, *, include_deleted: bool
    ) -> tuple[list[Mapping[str, Any]], marks.WatermarkBuilder]:
        builder = marks.WatermarkBuilder(mark)
        new_rows: list[Mapping[str, Any]] = []
        for row in self.client.rows(query, include_deleted=include_deleted):
            row_id, stamp = str(row["Id"]), str(row.get("SystemModstamp") or "")
            builder.add(row_id, stamp)
            if mark.is_new(row_id, stamp):
                new_rows.append(row)
        return new_rows, builder

    def _changes(
        self, spec: ReadSpec, since: Cursor, stream: SalesforceDealStream
    ) -> Iterator[RawDeal]:
        old = marks.decode(since)
        builders = {name: marks.WatermarkBuilder(old[name]) for name in marks.OBJECTS}

        # Opportunity: changed and deleted ones in one queryAll.
        handled: set[str] = set()
        deleted: list[str] = []
        query = soql.deals_changed_since(spec, old[marks.DEALS].since(self.lookback))
        for deal in self.deals(spec, query, include_deleted=True):
            stamp = str(deal.fields.get("SystemModstamp") or "")
            builders[marks.DEALS].add(deal.id, stamp)
            if not old[marks.DEALS].is_new(deal.id, stamp):
                continue
            handled.add(deal.id)
            if deal.fields.get("IsDeleted"):
                deleted.append(deal.id)
            else:
                yield deal

        # Children whose changes need not move the Opportunity's SystemModstamp: ids only.
        affected: set[str] = set()
        roles, builders[marks.CONTACT_ROLES] = self._changed_rows(
            old[marks.CONTACT_ROLES],
            soql.changes_since(
                soql.CONTACT_ROLE,
                ["OpportunityId", "IsDeleted"],
                old[marks.CONTACT_ROLES].since(self.lookback),
            ),
            include_deleted=True,
        )
        affected.update(str(row["OpportunityId"]) for row in roles if row.get("OpportunityId"))
        tasks, builders[marks.TASKS] = self._changed_rows(
            old[marks.TASKS],
            soql.task_changes_since(old[marks.TASKS].since(self.lookback)),
            include_deleted=True,
        )
        affected.update(_opportunity_ids(row.get("WhatId") for row in tasks))
        contacts, builders[marks.CONTACTS] = self._changed_rows(
            old[marks.CONTACTS],
            soql.changes_since(soql.CONTACT, [], old[marks.CONTACTS].since(self.lookback)),
            include_deleted=False,
        )
        affected.update(self._opportunities_of_contacts([str(row["Id"]) for row in contacts]))

        yield from self.deals_by_id(spec, sorted(affected - handled))
        stream.deleted_ids = sorted(deleted)
        stream.cursor = marks.encode({name: b.build(self.lookback) for name, b in builders.items()})

    def _opportunities_of_contacts(self, contact_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        template = soql.encoded_length(soql.roles_of_contacts([]))
        for chunk in soql.id_chunks(contact_ids, template):
            for row in self.client.rows(soql.roles_of_contacts(chunk)):
                if row.get("OpportunityId"):
                    found.add(str(row["OpportunityId"]))
        return found

    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        """The opportunities among `deal_ids` that queryAll shows deleted (in the recycle bin).
        One that is not found at all (purged, or hidden from the integration user by sharing)
        is not confirmed: Salesforce cannot tell those apart."""
        found: set[str] = set()
        template = soql.encoded_length(soql.deals_deleted([]))
        for chunk in soql.id_chunks(list(dict.fromkeys(deal_ids)), template):
            for row in self.client.rows(soql.deals_deleted(chunk), include_deleted=True):
                if row.get("IsDeleted") is True:
                    found.add(str(row["Id"]))
        return found

    # marker tasks -----------------------------------------------------------------------------
    def marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        """Every dealgate task, open or closed, on these deals, straight from Task (consistent at
        once). Every requested deal has an entry."""
        found: dict[str, list[RawTask]] = {deal_id: [] for deal_id in deal_ids}
        template = soql.encoded_length(soql.marker_tasks([]))
        for chunk in soql.id_chunks(list(dict.fromkeys(deal_ids)), template):
            for row in self.client.rows(soql.marker_tasks(chunk)):
                task = raw_task(row)
                if task is not None:
                    found.setdefault(str(row.get("WhatId")), []).append(task)
        return found


def _opportunity_ids(what_ids: Iterable[Any]) -> set[str]:
    return {
        str(what_id)
        for what_id in what_ids
        if isinstance(what_id, str) and what_id.startswith(soql.OPPORTUNITY_KEY_PREFIX)
    }
