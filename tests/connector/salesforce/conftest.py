"""Helpers for the Salesforce connector's sandbox tests: a connector wired to a sandbox org, a
settable clock, and a few records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from connector.base import ReadSpec
from connector.retry import RetryPolicy
from connector.salesforce import SalesforceConnector, SessionInfo
from sandbox.salesforce import SalesforceSandbox
from sync.config import SalesforceAuth, SalesforceSettings

SPEC = ReadSpec(
    deal_fields=("Name", "OwnerId", "Amount", "CloseDate", "Budget_Status__c"),
    contact_fields=("LastActivityDate",),
    role_fields=("Role", "Stance__c"),
    closed_task_days=14,
)


@dataclass
class Clock:
    """The sandbox store's clock, moved by hand."""

    now: datetime = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Wired:
    """A connector talking to a sandbox, and the waits its retries asked for."""

    connector: SalesforceConnector
    org: SalesforceSandbox
    slept: list[float] = field(default_factory=list)

    def calls(self) -> int:
        """Requests the sandbox received."""
        return self.org.app.requests


Connect = Callable[..., Wired]


@pytest.fixture
def connect() -> Connect:
    """connect(org, relogin=False, **settings) -> Wired. With `relogin`, the connector logs in
    (password method) through the sandbox, which issues a fresh session each time."""

    def build(org: SalesforceSandbox, *, relogin: bool = False, **changes: Any) -> Wired:
        auth = (
            SalesforceAuth(method="password", username="ops@example.com", password=SecretStr("x"))
            if relogin
            else SalesforceAuth(method="session", session_id=SecretStr(org.token))
        )
        settings = SalesforceSettings(
            **{"instance_url": org.url, "auth": auth, "ca_bundle": org.ca_file, **changes}
        )
        slept: list[float] = []

        def login() -> SessionInfo:
            return SessionInfo(org.store.issue_token(), org.url)

        connector = SalesforceConnector(
            settings,
            sleep=slept.append,
            login=login if relogin else None,
            policy=RetryPolicy(jitter_seconds=0),
            now=lambda: org.store.now(),  # the org's clock, which some tests move by hand
        )
        return Wired(connector, org, slept)

    return build


@pytest.fixture
def clock() -> Clock:
    return Clock()


def add_user(org: SalesforceSandbox, name: str = "Ken Sato", *, active: bool = True) -> str:
    email = name.lower().replace(" ", ".") + "@example.com"
    return org.store.insert("User", {"Name": name, "Email": email, "IsActive": active})


def add_deal(org: SalesforceSandbox, owner: str, name: str, **fields: Any) -> str:
    values = {
        "Name": name,
        "StageName": "Qualification",
        "CloseDate": "2027-01-31",
        "OwnerId": owner,
        **fields,
    }
    return org.store.insert("Opportunity", values)


def add_contact(
    org: SalesforceSandbox, deal: str, role: str = "Decision Maker", **fields: Any
) -> tuple[str, str]:
    """A contact with a role on the deal; returns (contact id, contact role id)."""
    contact = org.store.insert("Contact", {"FirstName": "Aiko", "LastName": "Sato", **fields})
    link = org.store.insert(
        "OpportunityContactRole",
        {"OpportunityId": deal, "ContactId": contact, "Role": role, "Stance__c": "neutral"},
    )
    return contact, link


def add_task(
    org: SalesforceSandbox, deal: str, owner: str, gate: str | None, *, status: str = "Not Started"
) -> str:
    description = f"Please check.\n\ndealgate:{gate}" if gate else "A rep's own note"
    return org.store.insert(
        "Task",
        {
            "WhatId": deal,
            "OwnerId": owner,
            "Subject": f"Task for {gate}",
            "Description": description,
            "Status": status,
            "Priority": "Normal",
        },
    )
