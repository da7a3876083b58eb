"""Shared pieces for the sync tests: a settable clock, settings, deal field sets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connector.base import RawContact
from gates import Catalog, load_catalog
from mappings import CrmMapping, load_mapping
from state.sqlite import SqliteStateStore
from sync.config import Settings, parse_settings
from sync.engine import Engine
from tests.sync.fake import FakeConnector

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

# The discovery gates of the built-in catalog whose fields the in-memory CRM has (tests/sync/
# fake.py), in catalog order; the others are not evaluated there.
DISCOVERY_GATES = [
    "scope_confirmed",
    "reason_confirmed",
    "timeline_confirmed",
    "competition_known",
    "budget_confirmed",
    "order_date_known",
    "decision_process_known",
    "key_person_contacted",
    "key_person_in_touch",
]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings(tmp_path: Path, crm: str = "salesforce", **tasks: Any) -> Settings:
    """Settings for a test, with a state file under tmp_path and task options."""
    lines = [
        f"crm: {crm}",
        "salesforce: {instance_url: 'https://127.0.0.1:1', auth: {session_id: sandbox}}",
        "hubspot: {access_token: sandbox, base_url: 'http://127.0.0.1:1'}",
        f"state: sqlite:///{tmp_path / 'state.db'}",
        "poll_interval_seconds: 1",
    ]
    if tasks:
        items = ", ".join(f"{k}: {json.dumps(v)}" for k, v in tasks.items())
        lines.append(f"tasks: {{{items}}}")
    return parse_settings("\n".join(lines), base_dir=tmp_path)


def decision_maker(last_contact: datetime = START) -> RawContact:
    return RawContact(
        "003D",
        labels=("Decision Maker",),
        fields={
            "Stance__c": "supporter",
            "LastActivityDate": (last_contact - timedelta(days=1)).date().isoformat(),
            "Name": "Dana",
        },
    )


def discovery_done(**overrides: Any) -> dict[str, Any]:
    """Salesforce fields with every discovery gate met (a Prospecting deal with no task due)."""
    fields: dict[str, Any] = {
        "StageName": "Prospecting",
        "OwnerId": "005A",
        "CloseDate": "2027-03-31",
        "Project_Scope__c": "Roll out the new order system to 3 plants",
        "Project_Reason__c": "Cut order errors by half",
        "Project_Start__c": "2027-04-01",
        "Project_End__c": "2027-12-31",
        "Competitors__c": "Contoso",
        "Budget_Status__c": "confirmed",
        "Order_Date__c": "2027-03-15",
        "Decision_Process__c": "Plant managers propose, CFO approves in the March board",
    }
    fields.update(overrides)
    return fields


class World:
    """A fake CRM, a state store and an engine over them, with the built-in method."""

    catalog: Catalog = load_catalog()
    sf_mapping: CrmMapping = load_mapping("salesforce")

    def __init__(self, tmp_path: Path, **tasks: Any) -> None:
        self.tmp_path = tmp_path
        self.clock = Clock()
        self.crm = FakeConnector(self.clock)
        self.settings = settings(tmp_path, **tasks)
        self.store = SqliteStateStore(self.settings.state_path)
        self.engine = self.new_engine()

    def new_engine(self, **kwargs: Any) -> Engine:
        return Engine(
            self.settings,
            self.crm,
            self.store,
            mapping=self.sf_mapping,
            catalog=self.catalog,
            clock=self.clock,
            **kwargs,
        )

    def restart(self, **tasks: Any) -> None:
        """A new process: the same CRM and state file, new settings when given."""
        self.store.close()
        if tasks:
            self.settings = settings(self.tmp_path, **tasks)
        self.store = SqliteStateStore(self.settings.state_path)
        self.engine = self.new_engine()

    def open_gates(self, deal_id: str) -> list[str]:
        return sorted(t.gate_id for t in self.crm.open_tasks(deal_id))
