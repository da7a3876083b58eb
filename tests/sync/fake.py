"""An in-memory CRM behind the Connector Protocol, in Salesforce's shapes, for engine unit tests.

Deals carry Salesforce field names (so the bundled Salesforce mapping reads them); tasks are
kept with their marker gate id; every change to a deal or its tasks bumps a version counter that
`read_changed` uses as its cursor. Reps act through `complete_by_rep` / `delete_task`; faults are
injected with `fail_next_write` / `refuse_owner`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from connector.base import (
    Cursor,
    DealUpdate,
    Owner,
    RawContact,
    RawDeal,
    RawTask,
    ReadSpec,
    StageInfo,
    TaskComplete,
    TaskCreate,
    UpdateResult,
    WriteResult,
)
from connector.errors import ConnectionFailed, CRMError

SF_STAGES = (
    ("Prospecting", False, False, 0.1),
    ("Qualification", False, False, 0.1),
    ("Needs Analysis", False, False, 0.2),
    ("Value Proposition", False, False, 0.5),
    ("Id. Decision Makers", False, False, 0.6),
    ("Perception Analysis", False, False, 0.7),
    ("Proposal/Price Quote", False, False, 0.75),
    ("Negotiation/Review", False, False, 0.9),
    ("Closed Won", True, True, 1.0),
    ("Closed Lost", True, False, 0.0),
)


@dataclass
class FakeTask:
    id: str
    deal_id: str
    gate_id: str
    owner_id: str
    subject: str
    body: str
    due: Any
    priority: str
    created_at: datetime
    is_open: bool = True
    completed_at: datetime | None = None
    deleted: bool = False


@dataclass
class FakeDeal:
    id: str
    fields: dict[str, Any]
    contacts: list[RawContact] = field(default_factory=list)
    version: int = 0
    deleted: bool = False


class FakeStream:
    def __init__(self, deals: list[RawDeal], cursor: Cursor, deleted: list[str]) -> None:
        self._deals = deals
        self._cursor = cursor
        self._deleted = deleted

    def __iter__(self) -> Iterator[RawDeal]:
        return iter(self._deals)

    @property
    def cursor(self) -> Cursor:
        return self._cursor

    @property
    def deleted_ids(self) -> Sequence[str]:
        return self._deleted


class FakeConnector:
    crm = "salesforce"

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.deals: dict[str, FakeDeal] = {}
        self.hidden: set[str] = set()  # deals a full read leaves out though they exist
        self.confirmations: list[list[str]] = []  # deal ids of each confirm_deleted call
        self.tasks: dict[str, FakeTask] = {}
        self.owners_by_id: dict[str, Owner] = {
            "005A": Owner("005A", "Aiko", "aiko@example.com", True),
            "005B": Owner("005B", "Ben", "ben@example.com", True),
            "005Q": Owner("005Q", "Queue", None, True),
        }
        self.missing: set[str] = set()
        self.calls = 0
        self.write_log: list[tuple[list[TaskCreate], list[TaskComplete]]] = []
        self._version = itertools.count(1)
        self._ids = itertools.count(1)
        self._write_faults: list[CRMError] = []
        self.refused_owners: set[str] = set()
        self.lose_next_response = False  # the next write lands, then its answer is lost
        self.corrupt: set[str] = set()  # deals whose record cannot be read
        self.lagging: set[str] = set()  # task ids deal reads do not show yet (find does)
        self.on_write: Callable[[], None] | None = None  # runs as a write request arrives
        self.read_faults: list[CRMError] = []  # raised by the next reads, one each
        self.update_log: list[list[DealUpdate]] = []  # each update_deals call's updates
        self.refused_deals: set[str] = set()  # deals whose updates are refused

    # -- test set-up -------------------------------------------------------------------------
    def put_deal(self, deal_id: str, contacts: Sequence[RawContact] = (), **fields: Any) -> None:
        deal = self.deals.get(deal_id)
        if deal is None:
            deal = self.deals[deal_id] = FakeDeal(deal_id, {"Name": f"Deal {deal_id}"})
        deal.fields.update(fields)
        if contacts:
            deal.contacts = list(contacts)
        deal.version = next(self._version)

    def delete_deal(self, deal_id: str) -> None:
        self.deals[deal_id].deleted = True
        self.deals[deal_id].version = next(self._version)

    def complete_by_rep(self, task_id: str, at: datetime | None = None) -> None:
        task = self.tasks[task_id]
        task.is_open, task.completed_at = False, at or self.clock()
        self.deals[task.deal_id].version = next(self._version)

    def delete_task(self, task_id: str) -> None:
        task = self.tasks[task_id]
        task.deleted = True
        self.deals[task.deal_id].version = next(self._version)

    def add_marker_task(
        self,
        deal_id: str,
        gate_id: str,
        *,
        is_open: bool = True,
        completed_at: datetime | None = None,
        owner_id: str = "005A",
    ) -> str:
        task_id = f"00T{next(self._ids):04d}"
        self.tasks[task_id] = FakeTask(
            task_id,
            deal_id,
            gate_id,
            owner_id,
            f"[dealgate] {gate_id}",
            f"dealgate:{gate_id}",
            None,
            "normal",
            self.clock(),
            is_open,
            completed_at,
        )
        self.deals[deal_id].version = next(self._version)
        return task_id

    def fail_next_write(self, error: CRMError) -> None:
        self._write_faults.append(error)

    def deactivate(self, owner_id: str) -> None:
        owner = self.owners_by_id[owner_id]
        self.owners_by_id[owner_id] = replace(owner, active=False)

    def open_tasks(self, deal_id: str | None = None) -> list[FakeTask]:
        return [
            t
            for t in self.tasks.values()
            if t.is_open and not t.deleted and (deal_id is None or t.deal_id == deal_id)
        ]

    # -- Connector ---------------------------------------------------------------------------
    @property
    def api_calls(self) -> int:
        return self.calls

    def check(self) -> list[str]:
        return []

    def existing_fields(self) -> set[str]:
        self.calls += 1
        names = {
            "Name",
            "StageName",
            "OwnerId",
            "Amount",
            "CurrencyIsoCode",
            "CloseDate",
            "CreatedDate",
            "LastModifiedDate",
            "Budget_Status__c",
            "Decision_Process__c",
            "Approval_Status__c",
            "Project_Scope__c",
            "Project_Reason__c",
            "Competitors__c",
            "Project_Start__c",
            "Project_End__c",
            "Order_Date__c",
            "Proposal_Status__c",
            "Why_Needed__c",
            "Why_Now__c",
            "Why_Us__c",
            "Technical_Fit__c",
            "Delivery_Capacity__c",
            "Schedule_Prepared__c",
            "Decision_Maker_Briefed__c",
            "Informal_Award__c",
            "Terms_Agreed__c",
            "Delivery_Owner__c",
            "Invoice_Sent__c",
            "Delivery_Done__c",
            "Dealgate_Phase__c",
            "Dealgate_Evidence_Score__c",
            "Dealgate_Missing_Steps__c",
            "Dealgate_Next_Step__c",
            "Dealgate_Stage_Ahead__c",
            "Dealgate_Verdict_At__c",
            "link.Role",
            "link.Stance__c",
            "contact.LastActivityDate",
            "contact.FirstName",
            "contact.LastName",
        }
        return names - self.missing

    def field_labels(self) -> dict[str, str]:
        return {}

    def stages(self) -> list[StageInfo]:
        self.calls += 1
        return [
            StageInfo(None, name, name, closed, won, prob, i)
            for i, (name, closed, won, prob) in enumerate(SF_STAGES)
        ]

    def owners(self) -> dict[str, Owner]:
        self.calls += 1
        return dict(self.owners_by_id)

    def _raw(self, deal: FakeDeal, spec: ReadSpec) -> RawDeal:
        horizon = self.clock() - timedelta(days=spec.closed_task_days)
        tasks = tuple(
            RawTask(t.id, t.gate_id, t.is_open, t.owner_id, t.subject, t.created_at, t.completed_at)
            for t in self.tasks.values()
            if t.deal_id == deal.id
            and not t.deleted
            and t.id not in self.lagging
            and (t.is_open or (t.completed_at is not None and t.completed_at >= horizon))
        )
        return RawDeal(
            id=deal.id,
            fields=None if deal.id in self.corrupt else dict(deal.fields),  # type: ignore[arg-type]
            stage=str(deal.fields.get("StageName", "")),
            contacts=tuple(deal.contacts),
            tasks=tasks,
        )

    def read_all(self, spec: ReadSpec) -> FakeStream:
        self._read()
        live = [d for d in self.deals.values() if not d.deleted and d.id not in self.hidden]
        top = max((d.version for d in self.deals.values()), default=0)
        return FakeStream([self._raw(d, spec) for d in live], {"v": str(top)}, [])

    def read_changed(self, spec: ReadSpec, since: Cursor) -> FakeStream:
        self._read()
        mark = int(since.get("v", "0"))
        changed = sorted(
            (d for d in self.deals.values() if d.version > mark), key=lambda d: d.version
        )
        top = max((d.version for d in self.deals.values()), default=mark)
        return FakeStream(
            [self._raw(d, spec) for d in changed if not d.deleted],
            {"v": str(top)},
            [d.id for d in changed if d.deleted],
        )

    def _read(self) -> None:
        self.calls += 1
        if self.read_faults:
            raise self.read_faults.pop(0)

    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        self.calls += 1
        self.confirmations.append(list(deal_ids))
        # deleted, or not found at all (a direct read by id that finds nothing)
        return {d for d in deal_ids if d not in self.deals or self.deals[d].deleted}

    def find_marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        self.calls += 1
        found: dict[str, list[RawTask]] = {}
        for t in self.tasks.values():
            if t.deal_id in deal_ids and not t.deleted:
                found.setdefault(t.deal_id, []).append(
                    RawTask(
                        t.id,
                        t.gate_id,
                        t.is_open,
                        t.owner_id,
                        t.subject,
                        t.created_at,
                        t.completed_at,
                    )
                )
        return found

    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        self.calls += 1
        self.write_log.append((list(creates), list(completions)))
        if self.on_write is not None:
            self.on_write()
        if self._write_faults:
            raise self._write_faults.pop(0)
        results: list[WriteResult] = []
        for c in creates:
            owner = self.owners_by_id.get(c.owner_id)
            if c.owner_id in self.refused_owners or (owner is not None and not owner.active):
                results.append(
                    WriteResult(
                        "create",
                        c.deal_id,
                        c.gate_id,
                        False,
                        None,
                        "INACTIVE_OWNER_OR_USER",
                        "owner is inactive",
                    )
                )
                continue
            task_id = f"00T{next(self._ids):04d}"
            self.tasks[task_id] = FakeTask(
                task_id,
                c.deal_id,
                c.gate_id,
                c.owner_id,
                c.subject,
                c.body,
                c.due,
                c.priority.value,
                self.clock(),
            )
            self.deals[c.deal_id].version = next(self._version)
            results.append(WriteResult("create", c.deal_id, c.gate_id, True, task_id))
        for done in completions:
            task = self.tasks.get(done.task_id)
            if task is None or task.deleted:
                results.append(
                    WriteResult(
                        "complete",
                        done.deal_id,
                        done.gate_id,
                        False,
                        done.task_id,
                        "ENTITY_IS_DELETED",
                        "no such task",
                    )
                )
                continue
            task.is_open, task.completed_at = False, self.clock()
            if task.deal_id in self.deals:
                self.deals[task.deal_id].version = next(self._version)
            results.append(WriteResult("complete", done.deal_id, done.gate_id, True, task.id))
        if self.lose_next_response:
            self.lose_next_response = False
            raise ConnectionFailed("connection reset while reading the answer")
        return results

    def update_deals(self, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
        self.calls += 1
        self.update_log.append(list(updates))
        results: list[UpdateResult] = []
        for update in updates:
            deal = self.deals.get(update.deal_id)
            if deal is None or deal.deleted:
                results.append(UpdateResult(update.deal_id, False, "ENTITY_IS_DELETED", "gone"))
                continue
            if update.deal_id in self.refused_deals:
                results.append(
                    UpdateResult(update.deal_id, False, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "no")
                )
                continue
            deal.fields.update(update.fields)
            deal.version = next(self._version)
            results.append(UpdateResult(update.deal_id, True))
        return results
