"""The evidence score and the evidence-based win probability of a deal (slide 50).

Slide 50 asks to judge every deal's confidence by the same criteria. The CRM's own probability
follows the stage the rep chose; these two numbers follow the evidence.

**Evidence score** = passed / (passed + failed) over the gates checked for the deal
(`not_evaluated` gates are left out); None when no gate was evaluated.

**Evidence probability.** The ladder gives the probability of a deal by how many selling phases
its evidence completes, counted from discovery:

| phases whose checked gates all pass | probability |
|---|---|
| none (discovery evidence incomplete) | 10% |
| discovery | 30% |
| discovery, define | 60% |
| discovery, define, decision | 90% |

A phase counts as complete when at least one of its gates was evaluated and none fails (a
phase with no mapped gate is not complete: evidence that cannot be seen is not evidence).
Between two rungs the probability rises with the share of gates passed in the first
incomplete phase:
`p = ladder[k] + (ladder[k + 1] - ladder[k]) * passed_k / evaluated_k`, where `k` is the number
of complete phases. Only the phases checked for the deal count (a discovery deal with its
discovery gates all passed reads 30%). So a deal staged in `decision` whose discovery evidence is
half missing reads about 20%, whatever its stage says. Won deals (delivery, maintenance) read
100%: the contract is signed. The probability is None when no gate was evaluated; it is rounded
to four decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gates.results import GateResult, Outcome
from gates.snapshot import SELLING_PHASES, Phase

LADDER: tuple[float, ...] = (0.10, 0.30, 0.60, 0.90)
WON_PROBABILITY = 1.0

_INDEX: dict[Phase, int] = {phase: index for index, phase in enumerate(Phase)}
# Selling phase -> how many selling phases its deals are checked against.
_CHECKED: dict[Phase, int] = {phase: index + 1 for index, phase in enumerate(SELLING_PHASES)}


def tally(results: Iterable[GateResult]) -> tuple[list[int], list[int]]:
    """Evaluated (passed or failed) and failed counts per phase, indexed in phase order."""
    evaluated = [0] * len(_INDEX)
    failed = [0] * len(_INDEX)
    for result in results:
        if result.outcome is Outcome.PASSED:
            evaluated[_INDEX[result.phase]] += 1
        elif result.outcome is Outcome.FAILED:
            evaluated[_INDEX[result.phase]] += 1
            failed[_INDEX[result.phase]] += 1
    return evaluated, failed


def forecast_counts(
    phase: Phase, evaluated: Sequence[int], failed: Sequence[int]
) -> tuple[float | None, float | None]:
    """`(evidence score, evidence probability)` from per-phase counts of evaluated (passed or
    failed) and failed gates, indexed in phase order (see `tally`)."""
    total = sum(evaluated)
    if not total:
        return None, None
    score = (total - sum(failed)) / total
    checked = _CHECKED.get(phase)
    if checked is None:
        return score, WON_PROBABILITY
    complete = 0
    while complete < checked and evaluated[complete] and not failed[complete]:
        complete += 1
    if complete == checked:
        return score, LADDER[complete]
    share = 1 - failed[complete] / evaluated[complete] if evaluated[complete] else 0.0
    low, high = LADDER[complete], LADDER[complete + 1]
    return score, round(low + (high - low) * share, 4)


def forecast(phase: Phase, results: Iterable[GateResult]) -> tuple[float | None, float | None]:
    """`(evidence score, evidence probability)` of a deal in `phase` with these results."""
    evaluated, failed = tally(results)
    return forecast_counts(phase, evaluated, failed)


def evidence_score(results: Iterable[GateResult]) -> float | None:
    """Share of evaluated gates that passed, 0..1; None when none was evaluated."""
    evaluated, failed = tally(results)
    total = sum(evaluated)
    return (total - sum(failed)) / total if total else None


def score_percent(results: Iterable[GateResult]) -> int | None:
    """The evidence score as a whole percentage, 0-100; None when no gate was evaluated."""
    score = evidence_score(results)
    return None if score is None else round(score * 100)


def evidence_probability(phase: Phase, results: Iterable[GateResult]) -> float | None:
    """The evidence-based win probability of a deal in `phase` with these results."""
    return forecast(phase, results)[1]


def score_points(score: float | None) -> int | None:
    """An evidence score (0..1, `evidence_score`) on the 0-100 scale people read, rounded to
    whole points; None stays None."""
    return None if score is None else round(score * 100)
