"""The deal snapshot: what gates read.

A snapshot is a frozen, connector-agnostic view of one deal, built once by `mappings/` from a
CRM record. Gates see dealgate's attribute names only, never a CRM field name.

`mapped` names the attributes that are backed by a CRM field that exists in this account. An
attribute outside `mapped` is unknown to dealgate (not merely empty), so the gates that read it are
`not_evaluated` rather than failed: a missing field is a configuration finding, not a rep's task.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple


class Phase(StrEnum):
    """The five sales activity phases (slide 55), in order."""

    DISCOVERY = "discovery"
    DEFINE = "define"
    DECISION = "decision"
    DELIVERY = "delivery"
    MAINTENANCE = "maintenance"


SELLING_PHASES: tuple[Phase, ...] = (Phase.DISCOVERY, Phase.DEFINE, Phase.DECISION)
WON_PHASES: tuple[Phase, ...] = (Phase.DELIVERY, Phase.MAINTENANCE)


class BudgetStatus(StrEnum):
    UNKNOWN = "unknown"
    ESTIMATED = "estimated"
    CONFIRMED = "confirmed"


class ApprovalStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class ProposalStatus(StrEnum):
    NONE = "none"
    DRAFTED = "drafted"
    PRESENTED = "presented"
    UNKNOWN = "unknown"


class Qualification(StrEnum):
    """The first decision of discovery (slides 52-54, 57): pursue, pend or drop the deal."""

    PURSUE = "pursue"  # a project: worth the proposal work (プロジェクト)
    PENDING = "pending"  # not now (ペンディング)
    DROP = "drop"  # not worth it (廃棄)
    UNKNOWN = "unknown"


class Role(StrEnum):
    """Key person roles of the power map (slides 73-75)."""

    DECISION_MAKER = "D"
    APPROVER = "A"
    INFLUENCER = "I"


class Stance(StrEnum):
    SUPPORTER = "supporter"  # ○
    COOPERATOR = "cooperator"  # △
    NEUTRAL = "neutral"  # ー
    NON_COOPERATIVE = "non_cooperative"  # ▽
    OPPONENT = "opponent"  # ×
    UNKNOWN = "unknown"


# Snapshots are named tuples: immutable records, read by attribute. Not pydantic models:
# `mappings/` has already parsed every value into its type, and validating it again costs more
# CPU per deal than reading it. Not frozen dataclasses: those set each field through
# `object.__setattr__`, and a snapshot of sixty fields cost 7 µs to build that way, against 2 µs
# for a named tuple (bench/profile_audit.py --steps). `mappings/normalize.py` builds them in
# field order; build them with keywords anywhere else: the order is not part of the contract.


class KeyContact(NamedTuple):
    """A contact on the deal; `role` is None when the CRM role maps to nothing."""

    id: str
    name: str = ""
    role: Role | None = None
    stance: Stance | None = None
    last_contacted: datetime | None = None


class DealTask(NamedTuple):
    """A dealgate task on the deal, recognized by its `dealgate:<gate_id>` marker."""

    id: str
    gate_id: str
    is_open: bool
    owner_id: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None


# Evidence attributes of a deal, with their value types. The bundled mappings back attribute
# `xxx_yyy` with Salesforce `Xxx_Yyy__c` and HubSpot `dealgate_xxx_yyy` (docs/design.md section 5).
EVIDENCE_ATTRIBUTES: dict[str, str] = {
    "budget_status": "enum:budget_status",
    "decision_process": "text",
    "approval_status": "enum:approval_status",
    "scope": "text",
    "reason": "text",
    "competitors": "text",
    "project_start": "date",
    "project_end": "date",
    "order_date": "date",
    "proposal_status": "enum:proposal_status",
    "why_needed": "text",
    "why_now": "text",
    "why_us": "text",
    "technical_fit": "bool",
    "delivery_capacity": "bool",
    "schedule_prepared": "bool",
    "decision_maker_briefed": "bool",
    "informal_award": "bool",
    "terms_agreed": "bool",
    "delivery_owner": "text",
    "invoice_sent": "bool",
    "delivery_done": "bool",
    "qualification": "enum:qualification",
    "invited_to_propose": "bool",
    "budget_amount": "number",
    "budget_period": "text",
    "staffing_outlook": "text",
    "customer_team": "text",
    "selection_criteria": "text",
    "stakeholder_expectations": "text",
    "gross_profit": "number",
    "win_over_plan": "text",
    "payment_received": "bool",
}

# Attributes that are not deal fields but still may be mapped or not.
CONTACT_ATTRIBUTES: tuple[str, ...] = ("contacts", "last_contacted")


class DealSnapshot(NamedTuple):
    """One deal as gates see it. Built once, never re-parsed downstream."""

    id: str
    crm: str  # "salesforce" | "hubspot" | anything a test connector calls itself
    stage: str
    name: str = ""
    pipeline: str | None = None
    stage_label: str = ""
    stage_phase: Phase | None = None  # the phase the stage maps to (won deals: delivery)
    stage_probability: float | None = None  # the CRM's own probability for the stage, 0..1
    owner_id: str | None = None
    amount: float | None = None
    currency: str | None = None
    close_date: date | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None

    budget_status: BudgetStatus | None = None
    decision_process: str | None = None
    approval_status: ApprovalStatus | None = None
    scope: str | None = None
    reason: str | None = None
    competitors: str | None = None
    project_start: date | None = None
    project_end: date | None = None
    order_date: date | None = None
    proposal_status: ProposalStatus | None = None
    why_needed: str | None = None
    why_now: str | None = None
    why_us: str | None = None
    technical_fit: bool | None = None
    delivery_capacity: bool | None = None
    schedule_prepared: bool | None = None
    decision_maker_briefed: bool | None = None
    informal_award: bool | None = None
    terms_agreed: bool | None = None
    delivery_owner: str | None = None
    invoice_sent: bool | None = None
    delivery_done: bool | None = None
    qualification: Qualification | None = None
    invited_to_propose: bool | None = None
    budget_amount: float | None = None
    budget_period: str | None = None
    staffing_outlook: str | None = None
    customer_team: str | None = None
    selection_criteria: str | None = None
    stakeholder_expectations: str | None = None
    gross_profit: float | None = None
    win_over_plan: str | None = None
    payment_received: bool | None = None

    contacts: tuple[KeyContact, ...] = ()
    tasks: tuple[DealTask, ...] = ()
    mapped: frozenset[str] = frozenset()

    def key_persons(self, *roles: Role) -> tuple[KeyContact, ...]:
        """Contacts with one of `roles` (all key persons when no role is given)."""
        wanted = set(roles) if roles else set(Role)
        return tuple(c for c in self.contacts if c.role in wanted)
