"""The verdict dealgate writes onto each deal (docs/design.md sections 5 and 6): its phase, its
evidence score, how many steps are missing, the next step, whether the stage is ahead of the
evidence, and when dealgate last changed these. Pure: evaluation in, field values out.

The values are kept by key (`phase`, `evidence_score`, ...); `FIELD_NAMES` gives each key's
field in each CRM. A deal is written only when one of its values differs from what dealgate last
wrote there (`changes`); `verdict_at` changes only with the others, so an unchanged pipeline
writes nothing, and reading a deal back after dealgate wrote it (its modification stamp moved)
writes nothing either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from connector.markers import clip, inline
from gates.forecast import score_points
from gates.results import DealEvaluation, FindingCode
from sync.config import Settings
from sync.planner import PlannedGate, priority_rank
from sync.texts import gate_title

# A verdict value: text, a whole number, a checkbox, or None (the field is cleared).
Value = str | int | bool | None

PHASE: Final = "phase"
EVIDENCE_SCORE: Final = "evidence_score"
MISSING_STEPS: Final = "missing_steps"
NEXT_STEP: Final = "next_step"
STAGE_AHEAD: Final = "stage_ahead"
VERDICT_AT: Final = "verdict_at"
FIELD_KEYS: Final = (PHASE, EVIDENCE_SCORE, MISSING_STEPS, NEXT_STEP, STAGE_AHEAD, VERDICT_AT)

FIELD_NAMES: Final[Mapping[str, Mapping[str, str]]] = {
    "salesforce": {
        PHASE: "Dealgate_Phase__c",
        EVIDENCE_SCORE: "Dealgate_Evidence_Score__c",
        MISSING_STEPS: "Dealgate_Missing_Steps__c",
        NEXT_STEP: "Dealgate_Next_Step__c",
        STAGE_AHEAD: "Dealgate_Stage_Ahead__c",
        VERDICT_AT: "Dealgate_Verdict_At__c",
    },
    "hubspot": {
        PHASE: "dealgate_phase",
        EVIDENCE_SCORE: "dealgate_evidence_score",
        MISSING_STEPS: "dealgate_missing_steps",
        NEXT_STEP: "dealgate_next_step",
        STAGE_AHEAD: "dealgate_stage_ahead",
        VERDICT_AT: "dealgate_verdict_at",
    },
}
NEXT_STEP_MAX = 255  # Salesforce Text(255); the same on HubSpot for one behaviour


def verdict_language(settings: Settings) -> str:
    """The language of the next step's text: `language`, what dealgate writes for people (a
    deal field is read by managers and reps alike, so `tasks.language` does not apply)."""
    return settings.language


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict of one deal, without `verdict_at` (that is the time of the write)."""

    phase: str | None
    evidence_score: int | None  # 0-100
    missing_steps: int | None
    next_step: str | None  # the highest-priority failing gate's title
    stage_ahead: bool

    def values(self) -> dict[str, Value]:
        """The values by key."""
        return {
            PHASE: self.phase,
            EVIDENCE_SCORE: self.evidence_score,
            MISSING_STEPS: self.missing_steps,
            NEXT_STEP: self.next_step,
            STAGE_AHEAD: self.stage_ahead,
        }


# A deal that left the scope (closed lost, unmapped stage) after dealgate wrote its verdict.
CLEARED = Verdict(None, None, None, None, False)


def verdict_of(
    evaluation: DealEvaluation, gates: Mapping[str, PlannedGate], language: str
) -> Verdict:
    """The verdict of an evaluated deal. The missing steps are the failing gates checked for
    its phase (its own and, in a selling phase, the earlier ones); the next step is the title of
    the one a task would be created for first (skipped phases, then phase order, then catalog
    order)."""
    order = {gate_id: index for index, gate_id in enumerate(gates)}
    failing = [r for r in evaluation.failing if r.gate_id in gates]
    first = min(failing, key=lambda r: priority_rank(r, order[r.gate_id]), default=None)
    next_step = None
    if first is not None:
        next_step = clip(inline(gate_title(gates[first.gate_id], language)), NEXT_STEP_MAX)
    return Verdict(
        phase=evaluation.phase.value,
        evidence_score=score_points(evaluation.evidence_score),
        missing_steps=len(evaluation.failing),
        next_step=next_step,
        stage_ahead=any(f.code is FindingCode.STAGE_AHEAD_OF_EVIDENCE for f in evaluation.findings),
    )


def changes(
    stored: Mapping[str, Value] | None, verdict: Verdict, keys: Sequence[str]
) -> dict[str, Value] | None:
    """The values of `keys` (`verdict_at` aside) when one of them differs from what was last
    written (`stored`), else None. A key never written counts as differing."""
    values = verdict.values()
    current = {key: values[key] for key in keys if key in values}
    if stored is not None and all(key in stored and stored[key] == v for key, v in current.items()):
        return None
    return current
