"""Plain-data deals for the gate tests: a deal with every piece of evidence, changed per test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from gates.snapshot import (
    CONTACT_ATTRIBUTES,
    EVIDENCE_ATTRIBUTES,
    ApprovalStatus,
    BudgetStatus,
    DealSnapshot,
    KeyContact,
    Phase,
    ProposalStatus,
    Qualification,
    Role,
    Stance,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ALL_MAPPED = frozenset(EVIDENCE_ATTRIBUTES) | frozenset(CONTACT_ATTRIBUTES)


def person(
    ident: str,
    role: Role | None,
    stance: Stance | None = Stance.SUPPORTER,
    days_ago: int | None = 10,
    name: str | None = None,
) -> KeyContact:
    """A contact with a role and stance, last contacted `days_ago` days before NOW."""
    last = None if days_ago is None else NOW - timedelta(days=days_ago)
    return KeyContact(
        id=ident, name=name or f"Person {ident}", role=role, stance=stance, last_contacted=last
    )


TEAM = (
    person("d1", Role.DECISION_MAKER, name="Tanaka"),
    person("a1", Role.APPROVER, Stance.COOPERATOR, name="Ito"),
    person("i1", Role.INFLUENCER, name="Sato"),
)


def deal(phase: Phase | None = Phase.DECISION, **changes: Any) -> DealSnapshot:
    """A deal in `phase` whose evidence passes every built-in gate, with `changes` applied."""
    fields: dict[str, Any] = {
        "id": "006A",
        "name": "ERP rollout",
        "crm": "test",
        "stage": "stage",
        "stage_phase": phase,
        "owner_id": "005X",
        "close_date": TODAY + timedelta(days=30),
        "budget_status": BudgetStatus.CONFIRMED,
        "decision_process": "CIO decides after the steering committee; CFO signs off",
        "approval_status": ApprovalStatus.APPROVED,
        "scope": "Replace the order system in three plants",
        "reason": "Cut distribution stock by half",
        "competitors": "Vendor B with a package offer",
        "project_start": date(2027, 1, 1),
        "project_end": date(2027, 9, 30),
        "order_date": date(2026, 12, 15),
        "proposal_status": ProposalStatus.PRESENTED,
        "why_needed": "Stock costs 1.2bn yen a month",
        "why_now": "The old system's support ends in 2027",
        "why_us": "We ran the same rollout for their parent company",
        "technical_fit": True,
        "delivery_capacity": True,
        "schedule_prepared": True,
        "decision_maker_briefed": True,
        "informal_award": True,
        "terms_agreed": True,
        "delivery_owner": "Yoshida (PM)",
        "invoice_sent": True,
        "delivery_done": False,
        "qualification": Qualification.PURSUE,
        "invited_to_propose": True,
        "budget_amount": 48_000_000.0,
        "budget_period": "FY2027 (April-March)",
        "staffing_outlook": "Two SAP consultants free from January",
        "customer_team": "Ms. Kato leads, with plant IT and logistics",
        "selection_criteria": "Price 40%, plant references 60%",
        "stakeholder_expectations": "CFO: stock halved; plants: no downtime",
        "gross_profit": 12_000_000.0,
        "win_over_plan": "",
        "payment_received": True,
        "contacts": TEAM,
        "mapped": ALL_MAPPED,
    }
    fields.update(changes)
    return DealSnapshot(**fields)


def unmapped(*attributes: str) -> frozenset[str]:
    """ALL_MAPPED without `attributes`."""
    return ALL_MAPPED - frozenset(attributes)
