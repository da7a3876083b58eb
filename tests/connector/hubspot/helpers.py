"""Test helpers: a connector wired to a sandbox, with a sleep that records instead of waiting."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from connector.base import ReadSpec
from connector.hubspot import HubSpotConnector
from sandbox.hubspot import HubSpotSandbox
from sync.config import HubSpotSettings

SPEC = ReadSpec(
    deal_fields=("dealname", "amount", "hubspot_owner_id"),
    contact_fields=("notes_last_contacted", "firstname", "lastname"),
    closed_task_days=14,
)


class Sleeps:
    """An injected `sleep` that records the waits and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.waits)


def connect(
    sandbox: HubSpotSandbox, sleeps: Sleeps | None = None, **settings: Any
) -> HubSpotConnector:
    """A HubSpotConnector for the sandbox; generous client-side limits unless given."""
    values: dict[str, Any] = {
        "access_token": SecretStr(sandbox.token),
        "base_url": sandbox.url,
        "requests_per_10s": 100_000,
        "searches_per_second": 10_000.0,
        **settings,
    }
    return HubSpotConnector(
        HubSpotSettings(**values), sleep=sleeps or Sleeps(), now=lambda: sandbox.store.now()
    )


def search_calls(sandbox: HubSpotSandbox, kind: str = "deals") -> int:
    """Search requests the sandbox answered for one object type."""
    return sandbox.app.counts()[f"{kind}.search"]
