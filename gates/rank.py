"""The 確度 (confidence) rank of a deal, A to D, from the course's milestones (slides 50, 54, 55,
71): the same criteria for every deal, read from the evidence, never from the stage.

| rank | milestone | course |
|---|---|---|
| D | an opportunity: no decision maker (D) on the deal, or the budget not confirmed | slide 54 |
| C | a project: a decision maker (D) is identified and the budget is confirmed | slide 54 |
| B | C, and the customer's approval request is drafted or in review (稟議起案) | slides 55, 62 |
| A | C, and the approval is granted (稟議決裁) | slide 71 |

The decisive evidence is the decision maker, the budget status and the approval (稟議) status;
a rejected approval caps the rank at D whatever else holds. Evidence whose field is not mapped
counts as missing (a milestone that cannot be seen is not met), and time-based checks (contact
frequency, dates) never enter the rank. Won deals (delivery, maintenance) are not ranked: the
order is in. Pure: snapshot in, rank out.
"""

from __future__ import annotations

from gates.probes import has_role
from gates.snapshot import ApprovalStatus, BudgetStatus, DealSnapshot, Phase, Role

RANKS: tuple[str, ...] = ("A", "B", "C", "D")

_SELLING = frozenset({Phase.DISCOVERY, Phase.DEFINE, Phase.DECISION})
_DRAFTED = frozenset({ApprovalStatus.DRAFTED, ApprovalStatus.IN_REVIEW})


def confidence_rank(snapshot: DealSnapshot, phase: Phase) -> str | None:
    """The deal's rank, `A` (best) to `D`; None for a won deal (delivery, maintenance)."""
    if phase not in _SELLING:
        return None
    mapped = snapshot.mapped
    approval = snapshot.approval_status if "approval_status" in mapped else None
    if approval is ApprovalStatus.REJECTED:
        return "D"
    has_d = "contacts" in mapped and has_role(snapshot.contacts, Role.DECISION_MAKER)
    budget = "budget_status" in mapped and snapshot.budget_status is BudgetStatus.CONFIRMED
    if not (has_d and budget):
        return "D"
    if approval is ApprovalStatus.APPROVED:
        return "A"
    if approval in _DRAFTED:
        return "B"
    return "C"
