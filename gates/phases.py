"""Which phase a deal is in, and which phases' gates it is checked against (docs/design.md 1 and 5).

- The phase is the one its CRM stage maps to (`snapshot.stage_phase`), except that a won deal
  (stage phase `delivery`) is in `maintenance` from `close_date + maintenance_after_days`
  (inclusive) or as soon as `delivery_done` is true, whichever comes first, and only once the
  invoice is sent: delivery ends with the invoice (slide 55, 請求する), so while a mapped
  `invoice_sent` is not true the deal stays in delivery. Closed-lost deals have no phase.
- A deal in a selling phase P (discovery, define, decision) is checked against the gates of
  every selling phase up to and including P; gates of the earlier phases are marked
  `skipped_phase` (a failure there means the deal skipped a step), except `ongoing` gates
  (recurring checks such as contact frequency), which are never a skipped step. A won deal
  (delivery, maintenance) is checked against its own phase's gates only.
"""

from __future__ import annotations

from datetime import datetime

from gates.snapshot import SELLING_PHASES, DealSnapshot, Phase

PHASE_ORDER: dict[Phase, int] = {phase: index for index, phase in enumerate(Phase)}

# Enum members bound once: class attribute access on an Enum is slow on this hot path.
_DELIVERY = Phase.DELIVERY
_MAINTENANCE = Phase.MAINTENANCE
_INVOICE_SENT = "invoice_sent"


def resolve_phase(
    snapshot: DealSnapshot, now: datetime, maintenance_after_days: int = 90
) -> Phase | None:
    """The phase the deal is in at `now`, or None when it is in none (closed lost)."""
    phase = snapshot.stage_phase
    if phase is not _DELIVERY:
        return phase
    if snapshot.invoice_sent is not True and _INVOICE_SENT in snapshot.mapped:
        return _DELIVERY
    if snapshot.delivery_done is True:
        return _MAINTENANCE
    closed = snapshot.close_date
    # Date arithmetic by difference, so a far-future close date cannot overflow.
    if closed is not None and (now.date() - closed).days >= maintenance_after_days:
        return _MAINTENANCE
    return _DELIVERY


def checked_phases(phase: Phase) -> tuple[Phase, ...]:
    """The phases whose gates a deal in `phase` is checked against, in order."""
    if phase in SELLING_PHASES:
        return SELLING_PHASES[: SELLING_PHASES.index(phase) + 1]
    return (phase,)
