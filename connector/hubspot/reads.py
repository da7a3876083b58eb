"""Batch reads: associations v4 and object batch reads, and deals assembled from them.

For a chunk of up to 1,000 deals: one associations call per type (deal->contacts with labels,
deal->tasks), then contacts and tasks by batch read, 100 ids a call, each id once per chunk.
A chunk is the unit of memory: nothing is kept across chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from connector.base import RawContact, RawDeal, RawTask, ReadSpec
from connector.hubspot import vocab
from connector.hubspot.answers import results_of
from connector.hubspot.records import Json, association_labels, marker_task, raw_contact, raw_deal
from connector.hubspot.transport import Transport

T = TypeVar("T")

# (to id, labels) per from id
Links = dict[str, list[tuple[str, tuple[str, ...]]]]

_BATCH_API = {
    vocab.DEALS: "deals.batch",
    vocab.CONTACTS: "contacts.batch",
    vocab.TASKS: "tasks.batch",
}


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, first occurrence order."""
    return list(dict.fromkeys(items))


def associations(transport: Transport, from_type: str, to_type: str, ids: Sequence[str]) -> Links:
    """Associations v4 batch read: every `to` record linked to each id, with its labels.

    1,000 ids a call; a record with more links than one answer holds is followed through its
    `paging.next.after`. Ids without links are absent (HubSpot answers 207 with an error each).
    """
    links: Links = {}
    for chunk in chunks(unique(ids), vocab.ASSOCIATION_BATCH):
        pending: list[dict[str, str]] = [{"id": i} for i in chunk]
        while pending:
            answer = transport.call(
                f"{from_type}->{to_type} associations",
                "associations.batch",
                "get_page",
                from_type,
                to_type,
                batch_input_public_fetch_associations_batch_request={"inputs": pending},
            )
            pending = []
            for result in results_of(answer, f"{from_type}->{to_type} associations"):
                from_id = str((result.get("from") or {}).get("id"))
                bucket = links.setdefault(from_id, [])
                for link in result.get("to") or []:
                    bucket.append((str(link.get("toObjectId")), association_labels(link)))
                after = ((result.get("paging") or {}).get("next") or {}).get("after")
                if after:
                    pending.append({"id": from_id, "after": str(after)})
    return links


def batch_read(
    transport: Transport, object_type: str, ids: Sequence[str], properties: Sequence[str]
) -> dict[str, Json]:
    """Records by id through `POST /crm/v3/objects/{type}/batch/read`, 100 ids a call.
    Ids HubSpot no longer has (deleted meanwhile) are absent from the result."""
    found: dict[str, Json] = {}
    for chunk in chunks(unique(ids), vocab.BATCH_READ):
        answer = transport.call(
            f"{object_type} batch read",
            _BATCH_API[object_type],
            "read",
            batch_read_input_simple_public_object_id={
                "inputs": [{"id": i} for i in chunk],
                "properties": list(properties),
                "propertiesWithHistory": [],
            },
        )
        for record in results_of(answer, f"{object_type} batch read"):
            found[str(record["id"])] = record
    return found


def deleted_deals(transport: Transport, deal_ids: Sequence[str]) -> set[str]:
    """Of these deals, the ones HubSpot confirms gone: returned by a batch read of archived
    deals, or named not found (`OBJECT_NOT_FOUND`) by a batch read of live ones. A deal the live
    read returns is not gone; one of which neither answer says anything is not confirmed.
    At most two calls per 100 ids."""
    gone: set[str] = set()
    for chunk in chunks(unique(deal_ids), vocab.BATCH_READ):
        for archived in (True, False):
            pending = [i for i in chunk if i not in gone]
            if not pending:
                break
            what = f"{'archived ' if archived else ''}deals batch read"
            answer = transport.call(
                what,
                _BATCH_API[vocab.DEALS],
                "read",
                batch_read_input_simple_public_object_id={
                    "inputs": [{"id": i} for i in pending],
                    "properties": [vocab.OBJECT_ID],
                    "propertiesWithHistory": [],
                },
                archived=archived,
            )
            returned = {str(r.get("id")) for r in results_of(answer, what)}
            if archived:
                gone |= returned & set(pending)
                continue
            for error in answer.get("errors") or []:
                if isinstance(error, Mapping) and error.get("category") == "OBJECT_NOT_FOUND":
                    ids = (error.get("context") or {}).get("ids") or []
                    gone |= {str(i) for i in ids if str(i) in pending and str(i) not in returned}
    return gone


def deal_properties(spec: ReadSpec) -> list[str]:
    """The deal properties a read asks for: the mapping's, plus stage, pipeline and cursor."""
    return unique([*spec.deal_fields, *vocab.DEAL_BASE_PROPERTIES])


def contact_properties(spec: ReadSpec) -> list[str]:
    """The contact properties a read asks for (the mapping's contact fields)."""
    return unique(spec.contact_fields)


def marker_tasks_by_deal(
    transport: Transport, deal_ids: Sequence[str], now: datetime, closed_task_days: int | None
) -> dict[str, list[RawTask]]:
    """dealgate-marked tasks per deal, through deal->task associations and batch reads."""
    task_links = associations(transport, vocab.DEALS, vocab.TASKS, deal_ids)
    task_ids = [task_id for links in task_links.values() for task_id, _ in links]
    records = batch_read(transport, vocab.TASKS, task_ids, vocab.TASK_PROPERTIES)
    tasks: dict[str, list[RawTask]] = {}
    for deal_id, links in task_links.items():
        for task_id, _ in links:
            record = records.get(task_id)
            task = marker_task(record, now, closed_task_days) if record else None
            if task is not None:
                tasks.setdefault(deal_id, []).append(task)
    return tasks


def hydrate(
    transport: Transport, spec: ReadSpec, deals: Sequence[Json], now: datetime
) -> list[RawDeal]:
    """RawDeals for a chunk of deal records: contacts with labels and fields, marker tasks."""
    if not deals:
        return []
    ids = [str(deal["id"]) for deal in deals]
    contact_links = associations(transport, vocab.DEALS, vocab.CONTACTS, ids)
    wanted = contact_properties(spec)
    contact_ids = [contact_id for links in contact_links.values() for contact_id, _ in links]
    contact_records = batch_read(transport, vocab.CONTACTS, contact_ids, wanted) if wanted else {}
    tasks = marker_tasks_by_deal(transport, ids, now, spec.closed_task_days)
    result: list[RawDeal] = []
    for deal in deals:
        deal_id = str(deal["id"])
        contacts: list[RawContact] = []
        for contact_id, labels in contact_links.get(deal_id, []):
            contacts.append(raw_contact(contact_id, labels, contact_records.get(contact_id)))
        result.append(raw_deal(deal, _merge_links(contacts), tasks.get(deal_id, [])))
    return result


def _merge_links(contacts: list[RawContact]) -> list[RawContact]:
    """One RawContact per contact id (HubSpot may list a link once per association type)."""
    merged: dict[str, RawContact] = {}
    for contact in contacts:
        known = merged.get(contact.id)
        if known is None:
            merged[contact.id] = contact
        else:
            labels = tuple(dict.fromkeys([*known.labels, *contact.labels]))
            merged[contact.id] = RawContact(contact.id, labels, known.fields)
    return list(merged.values())


def in_chunks(records: Iterable[Json], size: int = vocab.ASSOCIATION_BATCH) -> Iterator[list[Any]]:
    """Group a record stream into lists of `size` (the association batch) for hydration."""
    chunk: list[Any] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
