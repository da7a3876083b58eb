"""Both sandbox CRMs behind one small test interface, seeded with the same few deals.

Every deal is in discovery with every discovery gate met except the ones a test breaks (qualified
`pursue`, invited, budget amount and period, staffing outlook, ... all recorded), so the expected
task set is exact: `budget_confirmed` on the deals whose budget is only estimated.
Owners: `sato` and `kim` are active, `becker` is inactive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import sandbox.hubspot
import sandbox.salesforce
from connector.base import Connector
from connector.markers import find_marker
from sandbox.http import App
from sandbox.hubspot.seed import load as hs_load
from sandbox.salesforce.seed import load as sf_load
from sync.config import Settings, parse_settings

OWNERS = (("sato", "Ken", "Sato", True), ("kim", "Mina", "Kim", True),
          ("becker", "Tom", "Becker", False))  # fmt: skip


@dataclass(frozen=True)
class SeedDeal:
    key: str
    owner: str = "sato"
    budget: str = "estimated"
    open_task: str | None = None  # gate id of a dealgate task already open on the deal
    name: str | None = None  # the deal's name; "Deal <key>" when None
    phase: str = "discovery"  # or "decision" (every define and decision gate fails then)
    influencer: str | None = None  # last name of an extra contact: influencer, opponent

    @property
    def title(self) -> str:
        return self.name if self.name is not None else f"Deal {self.key}"


@dataclass(frozen=True)
class SeenTask:
    id: str
    deal: str  # seed key
    gate_id: str
    owner: str  # seed key
    is_open: bool


class SandboxCRM(Protocol):
    crm: str
    app: App
    url: str
    write_path: str  # regex of the paths of task write requests

    def settings(self, tmp_path: Path, **tasks: Any) -> Settings: ...

    def config_text(self, tmp_path: Path, **tasks: Any) -> str: ...

    def connector(self, settings: Settings) -> Connector: ...

    def owner_id(self, key: str) -> str: ...

    def set_budget(self, deal: str, value: str) -> None: ...

    def complete_task(self, task_id: str) -> None: ...

    def set_time(self, moment: datetime | None) -> None: ...

    def tasks(self) -> list[SeenTask]: ...

    def open_counts(self) -> dict[str, int]: ...


SF_STAGES = {"discovery": "Prospecting", "decision": "Negotiation/Review"}
HS_STAGES = {"discovery": "appointmentscheduled", "decision": "decisionmakerboughtin"}


def _owners(owner_name: str | None) -> list[tuple[str, str, str, bool]]:
    """OWNERS, with the first one's first name replaced when `owner_name` is given."""
    if owner_name is None:
        return list(OWNERS)
    (key, _, last, active), *rest = OWNERS
    return [(key, owner_name, last, active), *rest]


def _config(lines: list[str], tmp_path: Path, tasks: Mapping[str, Any]) -> str:
    lines += [f"state: sqlite:///{tmp_path / 'state.db'}", "poll_interval_seconds: 1"]
    if tasks:
        items = ", ".join(f"{k}: {json.dumps(v)}" for k, v in tasks.items())
        lines.append(f"tasks: {{{items}}}")
    return "\n".join(lines) + "\n"


def open_tasks(crm: SandboxCRM) -> list[tuple[str, str, str]]:
    """(deal key, gate id, owner key) of every open dealgate task, sorted."""
    return sorted((t.deal, t.gate_id, t.owner) for t in crm.tasks() if t.is_open)


class SalesforceCRM:
    crm = "salesforce"
    write_path = r"/composite/sobjects/?$"

    def __init__(
        self,
        running: sandbox.salesforce.SalesforceSandbox,
        deals: list[SeedDeal],
        owner_name: str | None = None,
    ):
        self.sandbox = running
        self.app = running.app
        self.url = running.url
        contact = {"ref": "c0", "FirstName": "Dana", "LastName": "Lee",
                   "LastActivityDate": "today-2"}  # fmt: skip
        seed: dict[str, list[dict[str, Any]]] = {
            "User": [
                {"ref": k, "Name": f"{f} {n}", "Email": f"{k}@example.com", "IsActive": active}
                for k, f, n, active in _owners(owner_name)
            ],
            "Contact": [contact] + [
                {"ref": f"i_{d.key}", "FirstName": "Ina", "LastName": d.influencer,
                 "LastActivityDate": "today-2"}
                for d in deals if d.influencer is not None
            ],
            "Opportunity": [
                {"ref": d.key, "Name": d.title, "StageName": SF_STAGES[d.phase],
                 "OwnerId": f"@{d.owner}", "CloseDate": "today+60",
                 "Project_Scope__c": "Roll out the order system to 3 plants",
                 "Project_Reason__c": "Halve order errors", "Project_Start__c": "today+30",
                 "Project_End__c": "today+200", "Competitors__c": "Contoso",
                 "Budget_Status__c": d.budget, "Order_Date__c": "today+20",
                 "Decision_Process__c": "Plant managers propose, the CFO approves",
                 "Qualification__c": "pursue", "Invited_To_Propose__c": True,
                 "Budget_Amount__c": 30_000_000, "Budget_Period__c": "FY2027",
                 "Staffing_Outlook__c": "Three engineers free from May"}
                for d in deals
            ],
            "OpportunityContactRole": [
                {"OpportunityId": f"@{d.key}", "ContactId": "@c0", "Role": "Decision Maker",
                 "Stance__c": "supporter"}
                for d in deals
            ] + [
                {"OpportunityId": f"@{d.key}", "ContactId": f"@i_{d.key}", "Role": "Influencer",
                 "Stance__c": "opponent"}
                for d in deals if d.influencer is not None
            ],
            "Task": [
                {"WhatId": f"@{d.key}", "OwnerId": f"@{d.owner}", "Status": "Not Started",
                 "Subject": f"[dealgate] {d.open_task}", "ActivityDate": "today+3",
                 "Description": f"Older task\n\ndealgate:{d.open_task}"}
                for d in deals if d.open_task
            ],
        }  # fmt: skip
        self.ids = sf_load(running.store, seed)
        self.keys = {v: k for k, v in self.ids.items()}

    def config_text(self, tmp_path: Path, **tasks: Any) -> str:
        lines = [
            "crm: salesforce",
            f"salesforce: {{instance_url: '{self.url}', auth: {{session_id: "
            f"{self.sandbox.token}}}, ca_bundle: '{self.sandbox.ca_file}'}}",
        ]
        return _config(lines, tmp_path, tasks)

    def settings(self, tmp_path: Path, **tasks: Any) -> Settings:
        return parse_settings(self.config_text(tmp_path, **tasks), base_dir=tmp_path)

    def connector(self, settings: Settings) -> Connector:
        from connector.salesforce import SalesforceConnector

        return SalesforceConnector(settings.salesforce, sleep=lambda _: None)

    def owner_id(self, key: str) -> str:
        return self.ids[key]

    def set_budget(self, deal: str, value: str) -> None:
        self.sandbox.store.update("Opportunity", self.ids[deal], {"Budget_Status__c": value})

    def complete_task(self, task_id: str) -> None:
        self.sandbox.store.update("Task", task_id, {"Status": "Completed"})

    def set_time(self, moment: datetime | None) -> None:
        self.sandbox.store.set_time(moment)

    def tasks(self) -> list[SeenTask]:
        found = []
        for row in self.sandbox.store.records("Task"):
            gate_id = find_marker(row.get("Description"))
            if gate_id is None or row.get("IsDeleted"):
                continue
            found.append(
                SeenTask(row["Id"], self.keys.get(row["WhatId"], row["WhatId"]), gate_id,
                         self.keys.get(row["OwnerId"], row["OwnerId"]), not row["IsClosed"])
            )  # fmt: skip
        return found

    def open_counts(self) -> dict[str, int]:
        """Open task records per deal key, marker or not (an oracle independent of the parser)."""
        counts: dict[str, int] = {}
        for row in self.sandbox.store.records("Task"):
            if not row.get("IsDeleted") and not row["IsClosed"]:
                key = self.keys.get(row["WhatId"], row["WhatId"])
                counts[key] = counts.get(key, 0) + 1
        return counts


class HubSpotCRM:
    crm = "hubspot"
    write_path = r"/crm/v3/objects/tasks/batch/(create|update)$"

    def __init__(
        self,
        running: sandbox.hubspot.HubSpotSandbox,
        deals: list[SeedDeal],
        owner_name: str | None = None,
    ):
        self.sandbox = running
        self.app = running.app
        self.url = running.url
        seed = {
            "schema": "dealgate",
            "owners": [
                {"key": k, "firstName": f, "lastName": n, "email": f"{k}@example.com",
                 "archived": not active}
                for k, f, n, active in _owners(owner_name)
            ],
            "contacts": [{"key": "c0", "properties": {
                "firstname": "Dana", "lastname": "Lee", "notes_last_contacted": "@now-2d"}}] + [
                {"key": f"i_{d.key}", "properties": {"firstname": "Ina",
                 "lastname": d.influencer, "notes_last_contacted": "@now-2d"}}
                for d in deals if d.influencer is not None
            ],
            "deals": [
                {"key": d.key, "owner": d.owner, "properties": {
                    "dealname": d.title, "pipeline": "default",
                    "dealstage": HS_STAGES[d.phase], "closedate": "@today+60d",
                    "dealgate_scope": "Roll out the order system to 3 plants",
                    "dealgate_reason": "Halve order errors",
                    "dealgate_project_start": "@today+30d", "dealgate_project_end": "@today+200d",
                    "dealgate_competitors": "Contoso", "dealgate_budget_status": d.budget,
                    "dealgate_order_date": "@today+20d",
                    "dealgate_decision_process": "Plant managers propose, the CFO approves",
                    "dealgate_qualification": "pursue", "dealgate_invited_to_propose": "true",
                    "dealgate_budget_amount": "30000000", "dealgate_budget_period": "FY2027",
                    "dealgate_staffing_outlook": "Three engineers free from May"},
                 "contacts": [{"contact": "c0", "labels": ["Decision maker", "Supporter"]}] + (
                     [{"contact": f"i_{d.key}", "labels": ["Influencer", "Opponent"]}]
                     if d.influencer is not None else [])}
                for d in deals
            ],
            "tasks": [
                {"key": f"t_{d.key}", "owner": d.owner, "deal": d.key, "properties": {
                    "hs_task_subject": f"[dealgate] {d.open_task}", "hs_timestamp": "@now+3d",
                    "hs_task_body": f"<p>Older task</p><p>dealgate:{d.open_task}</p>",
                    "hs_task_status": "NOT_STARTED", "hs_task_priority": "MEDIUM"}}
                for d in deals if d.open_task
            ],
        }  # fmt: skip
        keys = hs_load(running.store, seed)
        self.ids = {k.split(":", 1)[1]: v for k, v in keys.items()}
        self.keys = {v: k for k, v in self.ids.items()}

    def config_text(self, tmp_path: Path, **tasks: Any) -> str:
        lines = [
            "crm: hubspot",
            f"hubspot: {{access_token: {self.sandbox.token}, base_url: '{self.url}', "
            "requests_per_10s: 10000, searches_per_second: 1000}",
        ]
        return _config(lines, tmp_path, tasks)

    def settings(self, tmp_path: Path, **tasks: Any) -> Settings:
        return parse_settings(self.config_text(tmp_path, **tasks), base_dir=tmp_path)

    def connector(self, settings: Settings) -> Connector:
        from connector.hubspot import HubSpotConnector

        return HubSpotConnector(settings.hubspot, sleep=lambda _: None)

    def owner_id(self, key: str) -> str:
        return self.ids[key]

    def set_budget(self, deal: str, value: str) -> None:
        self.sandbox.store.update("deals", self.ids[deal], {"dealgate_budget_status": value})

    def complete_task(self, task_id: str) -> None:
        self.sandbox.store.update("tasks", task_id, {"hs_task_status": "COMPLETED"})

    def set_time(self, moment: datetime | None) -> None:
        self.sandbox.store.set_time(moment)

    def tasks(self) -> list[SeenTask]:
        store = self.sandbox.store
        found = []
        with store.lock:
            for task_id in store.ids("tasks"):
                props = store.get("tasks", task_id)
                gate_id = find_marker(props.get("hs_task_body"))
                if gate_id is None:
                    continue
                deals = store.linked("tasks", int(task_id), "deals")
                deal = str(next(iter(deals))) if deals else ""
                owner = props.get("hubspot_owner_id", "")
                found.append(
                    SeenTask(str(task_id), self.keys.get(deal, deal), gate_id,
                             self.keys.get(owner, owner),
                             props.get("hs_task_status") != "COMPLETED")
                )  # fmt: skip
        return found

    def open_counts(self) -> dict[str, int]:
        """Open task records per deal key, marker or not (an oracle independent of the parser)."""
        store = self.sandbox.store
        counts: dict[str, int] = {}
        with store.lock:
            for task_id in store.ids("tasks"):
                if store.get("tasks", task_id).get("hs_task_status") == "COMPLETED":
                    continue
                for deal in store.linked("tasks", int(task_id), "deals"):
                    key = self.keys.get(str(deal), str(deal))
                    counts[key] = counts.get(key, 0) + 1
        return counts


@contextmanager
def start(crm: str, deals: list[SeedDeal], owner_name: str | None = None) -> Iterator[SandboxCRM]:
    """A running, seeded sandbox of `crm` ("salesforce" or "hubspot"); `owner_name` replaces
    the first name of the owner `sato`."""
    if crm == "salesforce":
        with sandbox.salesforce.start(seed=None) as sf:
            yield SalesforceCRM(sf, deals, owner_name)
    else:
        with sandbox.hubspot.start(seed=None) as hs:
            yield HubSpotCRM(hs, deals, owner_name)
