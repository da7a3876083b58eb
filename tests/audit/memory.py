"""An in-memory HubSpot-shaped connector: fast audits without HTTP, and a record of every call.

Any write (or incremental read) fails the test: an audit reads everything once and writes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from connector.base import (
    Cursor,
    DealStream,
    Owner,
    RawContact,
    RawDeal,
    RawTask,
    ReadSpec,
    StageInfo,
    TaskComplete,
    TaskCreate,
    WriteResult,
)
from mappings import load_mapping

STAGES = [
    StageInfo("default", "appointmentscheduled", "Appointment scheduled", False, False, 0.2, 0),
    StageInfo("default", "qualifiedtobuy", "Qualified to buy", False, False, 0.4, 1),
    StageInfo("default", "presentationscheduled", "Presentation scheduled", False, False, 0.6, 2),
    StageInfo("default", "decisionmakerboughtin", "Decision maker bought-in", False, False, 0.8, 3),
    StageInfo("default", "contractsent", "Contract sent", False, False, 0.9, 4),
    StageInfo("default", "closedwon", "Closed won", True, True, 1.0, 5),
    StageInfo("default", "closedlost", "Closed lost", True, False, 0.0, 6),
    StageInfo("other", "new", "New", False, False, 0.1, 0),
]
OWNERS = {
    "101": Owner("101", "Aiko Tanaka", "aiko@example.com", True),
    "102": Owner("102", "Ben Ortiz", "ben@example.com", True),
}
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def existing_fields() -> set[str]:
    """Every field the bundled HubSpot mapping names: a fully installed account."""
    mapping = load_mapping("hubspot")
    return {f.field for f in mapping.fields} | {name for _, name in mapping.contacts.fields}


def deal(
    deal_id: str,
    stage: str = "qualifiedtobuy",
    *,
    owner: str | None = "101",
    pipeline: str = "default",
    name: str | None = None,
    amount: str | None = "1000",
    currency: str = "JPY",
    evidence: bool = False,
    **fields: Any,
) -> RawDeal:
    """A HubSpot deal; `evidence` fills in every discovery and define gate's evidence."""
    values: dict[str, Any] = {
        "dealname": name or f"Deal {deal_id}",
        "dealstage": stage,
        "pipeline": pipeline,
        "hubspot_owner_id": owner,
        "amount": amount,
        "deal_currency_code": currency,
        "closedate": "2026-12-31T00:00:00.000Z",
    }
    contacts: tuple[RawContact, ...] = ()
    if evidence:
        values |= {
            "dealgate_budget_status": "confirmed",
            "dealgate_decision_process": "Board approves in March",
            "dealgate_scope": "ERP replacement",
            "dealgate_reason": "Cut closing time",
            "dealgate_competitors": "Vendor X",
            "dealgate_project_start": "2027-01-01",
            "dealgate_project_end": "2027-12-31",
            "dealgate_order_date": "2026-12-15",
        }
        last = (NOW - timedelta(days=3)).isoformat()
        contacts = (
            RawContact("c1", ("Decision maker", "Supporter"), {"notes_last_contacted": last}),
            RawContact("c2", ("Approver",), {"notes_last_contacted": last}),
        )
    values |= fields
    return RawDeal(deal_id, values, pipeline, stage, contacts)


@dataclass
class MemoryStream:
    """Deals held in memory as a `DealStream`: an empty cursor, nothing deleted."""

    deals: Sequence[RawDeal]

    def __iter__(self) -> Iterator[RawDeal]:
        return iter(self.deals)

    @property
    def cursor(self) -> Cursor:
        return {}

    @property
    def deleted_ids(self) -> Sequence[str]:
        return ()


@dataclass
class MemoryConnector:
    deals: list[RawDeal]
    fields: set[str] = field(default_factory=existing_fields)
    crm: str = "hubspot"
    calls: list[str] = field(default_factory=list)
    specs: list[ReadSpec] = field(default_factory=list)
    people: dict[str, Owner] = field(default_factory=lambda: dict(OWNERS))

    @property
    def api_calls(self) -> int:
        return len(self.calls)

    def check(self) -> list[str]:
        self.calls.append("check")
        return []

    def existing_fields(self) -> set[str]:
        self.calls.append("existing_fields")
        return set(self.fields)

    def field_labels(self) -> dict[str, str]:
        return {}

    def stages(self) -> list[StageInfo]:
        self.calls.append("stages")
        return list(STAGES)

    def owners(self) -> dict[str, Owner]:
        self.calls.append("owners")
        return dict(self.people)

    def read_all(self, spec: ReadSpec) -> DealStream:
        self.calls.append("read_all")
        self.specs.append(spec)
        return MemoryStream(self.deals)

    def read_changed(self, spec: ReadSpec, since: Cursor) -> DealStream:
        raise AssertionError("an audit reads every deal, never changes only")

    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        return set()

    def find_marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        raise AssertionError("an audit does not look for tasks to reconcile")

    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        raise AssertionError("an audit never writes")
