"""Synthetic datasets for load tests: n deals with their contacts, contact roles and tasks.

Rows are built directly in slot order and appended in bulk, so 100,000 deals (with 300,000
contacts, 300,000 contact roles and 100,000 tasks) load in seconds. Values repeat from small
pools (shared string and date objects), which keeps memory down. The same `seed` gives the
same data. The evidence of the course's finer steps (`METHOD_EVIDENCE_FIELDS`) comes as one of
a few prepared combinations per deal, drawn from a random stream of its own, so the rest of a
seed's data is what it was without those fields.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.salesforce.schema import (
    CONTACT_ROLES,
    EVIDENCE_FIELDS,
    METHOD_EVIDENCE_FIELDS,
    STAGES,
    STANCES,
)
from sandbox.salesforce.store import Row, SalesforceStore

_OPEN_STAGES = [s for s in STAGES if not s[1]]
_USERS = 20
_TEXTS = ("TBD", "未定", "Documented with the customer", "Agreed")
_NUMBERS = (0.0, 1_500_000.0, 8_000_000.0, 25_000_000.0, 120_000.0)
_COMBINATIONS = 64  # prepared combinations of the finer-step evidence


def generate(
    store: SalesforceStore, n_deals: int, contacts_per_deal: int, tasks_per_deal: int, seed: int
) -> list[str]:
    """Add `n_deals` opportunities with contacts, roles and tasks; returns the deal ids."""
    rng = random.Random(seed)
    now = store.now()
    today = now.date()
    stamps = [now - timedelta(minutes=m) for m in range(0, 60 * 24 * 20, 7)]
    days = [today + timedelta(days=d) for d in range(-400, 400)]
    method_rng = random.Random(f"method-{seed}")
    with store.lock:
        method_pool = _method_pool(method_rng, store.schema["Opportunity"].slots)
        users = _users(store, seed)
        makers = {
            name: _Rows(store, name, n_deals * per_deal)
            for name, per_deal in (
                ("Opportunity", 1),
                ("Contact", contacts_per_deal),
                ("OpportunityContactRole", contacts_per_deal),
                ("Task", tasks_per_deal),
            )
        }
        owner_slot = store.schema["Opportunity"].slots["OwnerId"]
        deal_rows: list[Row] = []
        contact_rows: list[Row] = []
        role_rows: list[Row] = []
        task_rows: list[Row] = []
        for number in range(n_deals):
            deal = _deal(store, makers["Opportunity"], rng, number, users, stamps, days)
            for slot, value in method_rng.choice(method_pool):
                deal[slot] = value
            deal_rows.append(deal)
            deal_id = deal[0]
            for slot in range(contacts_per_deal):
                contact = _contact(store, makers["Contact"], rng, number, slot, stamps, days)
                contact_rows.append(contact)
                role_rows.append(
                    _role(
                        store,
                        makers["OpportunityContactRole"],
                        rng,
                        deal_id,
                        contact[0],
                        slot,
                        stamps,
                    )
                )
            for slot in range(tasks_per_deal):
                task_rows.append(
                    _task(store, makers["Task"], rng, deal_id, deal[owner_slot], slot, stamps, days)
                )
        store.bulk_load("Contact", contact_rows)
        store.bulk_load("Opportunity", deal_rows)
        store.bulk_load("OpportunityContactRole", role_rows)
        store.bulk_load("Task", task_rows)
    return [row[0] for row in deal_rows]


class _Rows:
    """Fresh rows of one type: a template copy with a pre-allocated id and the given stamp."""

    def __init__(self, store: SalesforceStore, sobject: str, count: int) -> None:
        sobject_type = store.schema[sobject]
        self.template: Row = [None] * len(sobject_type.slots)
        for item in sobject_type.fields.values():
            if item.default is not None:
                self.template[sobject_type.slots[item.name]] = item.default
        if "IsDeleted" in sobject_type.slots:
            self.template[sobject_type.slots["IsDeleted"]] = False
        self.stamp_slots = [
            sobject_type.slots[name]
            for name in ("CreatedDate", "LastModifiedDate", "SystemModstamp")
            if name in sobject_type.slots
        ]
        self.id_slot = sobject_type.slots["Id"]
        self.ids = iter(store.ids.block(sobject_type.key_prefix, count))

    def new(self, stamp: datetime) -> Row:
        row = list(self.template)
        row[self.id_slot] = next(self.ids)
        for slot in self.stamp_slots:
            row[slot] = stamp
        return row


def _set(store: SalesforceStore, sobject: str, row: Row, values: dict[str, Any]) -> Row:
    slots = store.schema[sobject].slots
    for name, value in values.items():
        row[slots[name]] = value
    return row


def _users(store: SalesforceStore, seed: int) -> list[str]:
    ids = []
    for number in range(_USERS):
        ids.append(
            store.insert(
                "User",
                {
                    "Name": f"Load User {seed}-{number}",
                    "Email": f"load.user{number}@example.com",
                    "IsActive": number != _USERS - 1,
                },
            )
        )
    return ids


def _deal(
    store: SalesforceStore,
    rows: _Rows,
    rng: random.Random,
    number: int,
    users: list[str],
    stamps: list[datetime],
    days: list[date],
) -> Row:
    stage = rng.choice(STAGES) if rng.random() < 0.2 else rng.choice(_OPEN_STAGES)
    row = rows.new(rng.choice(stamps))
    values: dict[str, Any] = {
        "Name": f"Generated deal {number}",
        "StageName": stage[0],
        "IsClosed": stage[1],
        "IsWon": stage[2],
        "Probability": stage[3],
        "OwnerId": rng.choice(users),
        "Amount": float(rng.randrange(1, 500) * 1000),
        "CloseDate": rng.choice(days),
    }
    for name, kind, _, picklist in EVIDENCE_FIELDS:
        roll = rng.random()
        if kind == "boolean":
            values[name] = roll < 0.5
        elif roll < 0.3:
            values[name] = None
        elif picklist:
            values[name] = rng.choice(picklist)
        elif kind == "date":
            values[name] = rng.choice(days)
        else:
            values[name] = rng.choice(_TEXTS)
    return _set(store, "Opportunity", row, values)


def _method_pool(rng: random.Random, slots: dict[str, int]) -> list[list[tuple[int, Any]]]:
    """A few combinations of `METHOD_EVIDENCE_FIELDS` values as (slot, value) pairs, for the
    fields the org has; each deal takes one, sharing its value objects."""
    pool = []
    for _ in range(_COMBINATIONS):
        values: list[tuple[int, Any]] = []
        for name, kind, _, picklist in METHOD_EVIDENCE_FIELDS:
            roll = rng.random()
            if kind == "boolean":
                value: Any = roll < 0.5
            elif roll < 0.3:
                value = None
            elif picklist:
                value = rng.choice(picklist)
            elif kind == "double":
                value = rng.choice(_NUMBERS)
            else:
                value = rng.choice(_TEXTS)
            if name in slots:
                values.append((slots[name], value))
        pool.append(values)
    return pool


def _contact(
    store: SalesforceStore,
    rows: _Rows,
    rng: random.Random,
    number: int,
    slot: int,
    stamps: list[datetime],
    days: list[date],
) -> Row:
    row = rows.new(rng.choice(stamps))
    last = f"Contact{number}x{slot}"
    return _set(
        store,
        "Contact",
        row,
        {
            "FirstName": "Gen",
            "LastName": last,
            "Name": f"Gen {last}",
            "Email": f"c{number}x{slot}@example.com",
            "LastActivityDate": rng.choice(days[:400]) if rng.random() < 0.8 else None,
        },
    )


def _role(
    store: SalesforceStore,
    rows: _Rows,
    rng: random.Random,
    deal_id: str,
    contact_id: str,
    slot: int,
    stamps: list[datetime],
) -> Row:
    row = rows.new(rng.choice(stamps))
    return _set(
        store,
        "OpportunityContactRole",
        row,
        {
            "OpportunityId": deal_id,
            "ContactId": contact_id,
            "Role": rng.choice(CONTACT_ROLES),
            "IsPrimary": slot == 0,
            "Stance__c": rng.choice(STANCES),
        },
    )


def _task(
    store: SalesforceStore,
    rows: _Rows,
    rng: random.Random,
    deal_id: str,
    owner_id: str,
    slot: int,
    stamps: list[datetime],
    days: list[date],
) -> Row:
    stamp = rng.choice(stamps)
    row = rows.new(stamp)
    closed = rng.random() < 0.5
    return _set(
        store,
        "Task",
        row,
        {
            "Subject": "Follow up",
            "Description": "dealgate:budget_confirmed"
            if slot == 0 and rng.random() < 0.3
            else None,
            "WhatId": deal_id,
            "OwnerId": owner_id,
            "ActivityDate": rng.choice(days),
            "Status": "Completed" if closed else "Not Started",
            "IsClosed": closed,
            "CompletedDateTime": stamp if closed else None,
        },
    )
