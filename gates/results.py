"""What evaluation says about a deal: per-gate results, deal-level findings, the evidence score.

A failed gate is a result, not an exception. Three outcomes: `passed`, `failed`, and
`not_evaluated` (the evidence is not mapped for this CRM: a configuration finding, never a task).

`GateResult.reasons` are the English reasons (what the audit JSON and CSV print). Those made by
the evaluator are `gates.reasons.Reason`s, which also keep a code and parameters:
`reasons_in("ja")` gives them in Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from gates.reasons import localize
from gates.snapshot import Phase


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True, slots=True)
class GateResult:
    gate_id: str
    phase: Phase
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    skipped_phase: bool = False  # the gate belongs to a phase before the deal's: high priority

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The code of each reason (`placeholder`, `rejected`, ...: gates/reasons.py); an empty
        string for a reason that has none."""
        return tuple(getattr(reason, "code", "") for reason in self.reasons)

    def reasons_in(self, language: str) -> tuple[str, ...]:
        """The reasons in `language` (`en` or `ja`); a reason without a code stays as it is."""
        if language == "en":
            return self.reasons
        return tuple(localize(reason, language) for reason in self.reasons)


class FindingCode(StrEnum):
    STAGE_AHEAD_OF_EVIDENCE = "stage_ahead_of_evidence"
    APPROVAL_REJECTED = "approval_rejected"
    CLOSE_DATE_PASSED = "close_date_passed"
    OPPONENT_KEY_PERSON = "opponent_key_person"
    SINGLE_THREADED = "single_threaded"
    NO_OWNER = "no_owner"  # added by the planner when neither owner nor fallback can take tasks


_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Finding:
    """A deal-level finding: its code, its English message, and the parameters the message was
    made from, so that a report can write it in another language (sync.i18n)."""

    code: FindingCode
    message: str
    params: Mapping[str, Any] = field(default_factory=lambda: _NO_PARAMS, compare=False, hash=False)


class DealEvaluation(NamedTuple):
    """One deal's evaluation: a named tuple, built once per deal (gates/snapshot.py says why
    not a frozen dataclass). Build it with `DealEvaluation.of`, which works out `failing`; a
    `_replace` of `results` must give the matching `failing` too."""

    deal_id: str
    phase: Phase
    results: tuple[GateResult, ...]
    findings: tuple[Finding, ...]
    evidence_score: float | None  # share of evaluated gates passed, 0..1; None if none evaluated
    evidence_probability: float | None  # evidence-based win probability, 0..1
    # The failed results, in catalog order: worked out once, read by every report and the planner.
    failing: tuple[GateResult, ...]
    qualified: bool = True  # False: a discovery deal not yet decided "pursue" (few tasks only)
    rank: str | None = None  # 確度 rank A-D from the course's milestones (gates/rank.py)
    evaluated: int = 0  # how many gates were evaluated (passed or failed)

    @classmethod
    def of(
        cls,
        deal_id: str,
        phase: Phase,
        results: tuple[GateResult, ...],
        findings: tuple[Finding, ...],
        evidence_score: float | None,
        evidence_probability: float | None,
        *,
        qualified: bool = True,
        rank: str | None = None,
        evaluated: int = 0,
    ) -> DealEvaluation:
        """The evaluation with these results, `failing` worked out from them."""
        failed = Outcome.FAILED
        failing = tuple(r for r in results if r.outcome is failed)
        return cls(
            deal_id,
            phase,
            results,
            findings,
            evidence_score,
            evidence_probability,
            failing,
            qualified,
            rank,
            evaluated,
        )
