"""The cut between dealgate and a CRM: one Protocol and the plain records that cross it.

A connector knows nothing of gates or phases. It reads raw deals (CRM field names and raw
values, contacts with their raw role labels, dealgate-marked tasks) and writes task actions and
deal field values (the verdict, `sync.verdict`).
`mappings/` turns a `RawDeal` into a `gates.snapshot.DealSnapshot`.

Every method may raise `connector.errors.CRMError` subclasses only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol, runtime_checkable

# A cursor is opaque to the engine: a flat JSON-serializable mapping the connector defines
# (for example {"deals": "2026-11-27T04:00:00.000Z|006xx", "contact_roles": "..."}).
Cursor = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ReadSpec:
    """What to read, derived from the mapping; the connector asks for these fields only."""

    deal_fields: tuple[str, ...]
    contact_fields: tuple[str, ...] = ()  # on the contact (LastActivityDate, notes_last_contacted)
    role_fields: tuple[str, ...] = ()  # on the deal-contact link (Salesforce OCR: Role, Stance__c)
    closed_task_days: int = 14  # also return marker tasks completed within this many days


_NO_FIELDS: Mapping[str, Any] = MappingProxyType({})


# The records a connector reads are named tuples, built once per deal, contact and task: immutable
# like the snapshots built from them (gates/snapshot.py says why not frozen dataclasses).


class RawContact(NamedTuple):
    id: str
    labels: tuple[str, ...] = ()  # role labels: SF OCR Role; HubSpot association labels
    fields: Mapping[str, Any] = _NO_FIELDS  # contact + link fields, raw values


class RawTask(NamedTuple):
    """A task on the deal whose body carries a `dealgate:<gate_id>` marker."""

    id: str
    gate_id: str
    is_open: bool
    owner_id: str | None = None
    subject: str = ""
    created_at: datetime | None = None
    completed_at: datetime | None = None


class RawDeal(NamedTuple):
    id: str
    fields: Mapping[str, Any]  # CRM field name -> raw value as the API returned it
    pipeline: str | None = None  # HubSpot pipeline id; Salesforce record type id or None
    stage: str = ""  # SF StageName; HubSpot dealstage id
    contacts: tuple[RawContact, ...] = ()
    tasks: tuple[RawTask, ...] = ()
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StageInfo:
    pipeline: str | None
    stage: str  # the value found on deals (SF StageName / MasterLabel; HubSpot stage id)
    label: str
    is_closed: bool
    is_won: bool
    probability: float | None  # 0..1
    order: int = 0


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    name: str
    email: str | None
    active: bool


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class TaskCreate:
    """A task to create. `body` is plain text without the marker; the connector adds the marker
    `dealgate:<gate_id>` on a line (HubSpot: a paragraph) of its own."""

    deal_id: str
    gate_id: str
    owner_id: str
    subject: str
    body: str
    due: date
    priority: Priority = Priority.NORMAL


@dataclass(frozen=True, slots=True)
class TaskComplete:
    task_id: str
    deal_id: str
    gate_id: str


@dataclass(frozen=True, slots=True)
class WriteResult:
    """Per-item outcome of a write batch; `task_id` is the CRM id of the created/updated task."""

    op: str  # "create" | "complete"
    deal_id: str
    gate_id: str
    ok: bool
    task_id: str | None = None
    error_code: str | None = None
    message: str | None = None


# A deal field value to write: text, a number, a checkbox, a moment, or None (clear the field).
FieldValue = str | int | float | bool | datetime | None


@dataclass(frozen=True, slots=True)
class DealUpdate:
    """Values to set on one deal, by CRM field name; the connector writes them in its CRM's
    wire format."""

    deal_id: str
    fields: Mapping[str, FieldValue]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Per-deal outcome of a deal update batch."""

    deal_id: str
    ok: bool
    error_code: str | None = None
    message: str | None = None


class DealStream(Protocol):
    """Raw deals in CRM order. `cursor` is the high-water mark to resume from; it is final only
    once iteration has finished. `deleted_ids` lists deals removed since the cursor (incremental
    reads only; known once iteration has finished)."""

    def __iter__(self) -> Iterator[RawDeal]: ...

    @property
    def cursor(self) -> Cursor: ...

    @property
    def deleted_ids(self) -> Sequence[str]: ...


@runtime_checkable
class Connector(Protocol):
    crm: str

    @property
    def api_calls(self) -> int:
        """HTTP requests made so far by this connector (retries included)."""
        ...

    def check(self) -> list[str]:
        """Test the connection and the permissions dealgate needs; return problems, [] if none."""
        ...

    def existing_fields(self) -> set[str]:
        """Deal field names that exist in this CRM account (for missing-field reports)."""
        ...

    def field_labels(self) -> dict[str, str]:
        """The label the CRM shows for each field, by the names `existing_fields` gives (tasks
        quote these); read with `existing_fields`, so after it this costs no request."""
        ...

    def stages(self) -> list[StageInfo]: ...

    def owners(self) -> dict[str, Owner]: ...

    def read_all(self, spec: ReadSpec) -> DealStream:
        """Every deal (full audit or rescan), deleted ones excluded."""
        ...

    def read_changed(self, spec: ReadSpec, since: Cursor) -> DealStream:
        """Deals changed since the cursor, including changes to their contacts' links, the
        contacts' last-contact dates and their dealgate tasks."""
        ...

    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        """Of these deals (missing from a full read), the ones the CRM confirms deleted. A deal
        it still has, or of which it says nothing, is not confirmed. Costs calls in proportion
        to `len(deal_ids)`."""
        ...

    def find_marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        """Every dealgate-marked task (open or not) on these deals, read through a path that is
        consistent at once (deal task associations / Tasks), not a lagging search index."""
        ...

    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        """Create and complete tasks in batches; one result per item; per-record refusals are
        results with ok=False, never exceptions."""
        ...

    def update_deals(self, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
        """Set fields on deals in batches (Salesforce 200 a call, HubSpot 100); per-deal
        refusals are results with ok=False; a deal the answer says nothing of has no result."""
        ...
