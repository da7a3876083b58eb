"""The audit's streaming aggregator: counts and sums per phase, gate and owner, never the deals.

Memory stays flat in the number of deals: the summary keeps aggregates keyed by phase, gate,
owner and currency, and only the first `flagged_cap` deals whose stage is ahead of their evidence
(with a count of the rest).

The evidence-weighted amount (slide 50; a measure of the evidence, not a revenue forecast) sits
beside the CRM's forecast: for the open deals of each selling phase and each owner, the sum of
amount x the CRM stage probability against the sum of amount x the evidence probability.
Currencies are kept apart, never added up. Won deals (delivery, maintenance) are booked, not
forecast: they appear in the funnel but not in the forecast. A missing probability counts as 0
(no stage probability in the CRM, or no evaluated gate).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from gates.results import Outcome
from gates.snapshot import SELLING_PHASES, Phase
from sync.reports.model import AuditRow, ReportContext

_RESULT_KEY = attrgetter("gate_id", "phase", "outcome")
K = TypeVar("K")

FLAGGED_CAP = 500


def _cell(cells: dict[K, Forecast], key: K) -> Forecast:
    """The forecast cell at `key`, made on first use (get, then create: `setdefault(key,
    Forecast())` would build a Forecast every time)."""
    cell = cells.get(key)
    if cell is None:
        cell = cells[key] = Forecast()
    return cell


def _currency_order(currency: str | None) -> tuple[bool, str]:
    return (currency is None, currency or "")


@dataclass(slots=True)
class Forecast:
    """Amounts of a group of open deals in one currency."""

    deals: int = 0
    amount: float = 0.0
    crm_weighted: float = 0.0  # sum of amount x CRM stage probability
    evidence_weighted: float = 0.0  # sum of amount x evidence probability

    def add(self, amount: float, crm_probability: float | None, evidence: float | None) -> None:
        """Count one deal."""
        self.deals += 1
        self.amount += amount
        self.crm_weighted += amount * (crm_probability or 0.0)
        self.evidence_weighted += amount * (evidence or 0.0)


@dataclass(slots=True)
class _ScoreMean:
    total: float = 0.0
    count: int = 0

    def add(self, score: float | None) -> None:
        if score is not None:
            self.total += score
            self.count += 1

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass(slots=True)
class PhaseStats:
    """The deals of one phase: the funnel's row."""

    phase: Phase
    deals: int = 0
    failing_deals: int = 0
    stage_ahead: int = 0
    without_amount: int = 0
    amounts: dict[str | None, float] = field(default_factory=dict)  # currency -> sum
    _score: _ScoreMean = field(default_factory=_ScoreMean)

    @property
    def average_evidence_score(self) -> float | None:
        """Mean evidence score of the phase's deals that have one."""
        return self._score.mean

    def currencies(self) -> list[tuple[str | None, float]]:
        """(currency, amount) pairs, currencies in alphabetical order, none last."""
        return sorted(self.amounts.items(), key=lambda item: _currency_order(item[0]))


@dataclass(slots=True)
class GateStats:
    """Outcomes of one gate over the audited deals, by the phase the deal is in."""

    gate_id: str
    phase: Phase  # the gate's own phase
    by_deal_phase: dict[Phase, Counter[Outcome]] = field(default_factory=dict)
    skipped_phase_failures: int = 0  # failures on deals already past the gate's phase

    def count(self, outcome: Outcome, deal_phase: Phase | None = None) -> int:
        """How many deals (of one deal phase, or all) had this outcome."""
        if deal_phase is not None:
            return self.by_deal_phase.get(deal_phase, Counter())[outcome]
        return sum(counts[outcome] for counts in self.by_deal_phase.values())

    @property
    def passed(self) -> int:
        return self.count(Outcome.PASSED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def not_evaluated(self) -> int:
        return self.count(Outcome.NOT_EVALUATED)

    def pass_rate(self, deal_phase: Phase | None = None) -> float | None:
        """Passed / (passed + failed); None when no deal was evaluated on this gate."""
        passed = self.count(Outcome.PASSED, deal_phase)
        evaluated = passed + self.count(Outcome.FAILED, deal_phase)
        return passed / evaluated if evaluated else None


@dataclass(slots=True)
class OwnerStats:
    """One deal owner's deals."""

    owner_id: str | None
    name: str
    status: str = ""  # "" when tasks reach the owner; else why not and where they go
    deals: int = 0
    failing_deals: int = 0
    failing_gates: int = 0
    stage_ahead: int = 0
    forecast: dict[str | None, Forecast] = field(default_factory=dict)  # currency -> forecast
    _score: _ScoreMean = field(default_factory=_ScoreMean)

    @property
    def average_evidence_score(self) -> float | None:
        """Mean evidence score of the owner's deals that have one."""
        return self._score.mean

    def forecasts(self) -> list[tuple[str | None, Forecast]]:
        """The owner's open deals per currency, currencies in alphabetical order, none last."""
        return sorted(self.forecast.items(), key=lambda item: _currency_order(item[0]))


@dataclass(frozen=True, slots=True)
class FlaggedDeal:
    """A deal whose stage is ahead of its evidence, as the reports list it."""

    id: str
    name: str
    owner_name: str
    phase: Phase
    stage_label: str
    amount: float | None
    currency: str | None
    evidence_score: float | None
    rank: str | None  # 確度 rank A-D (gates/rank.py); None for a won deal
    evaluated: int  # gates evaluated (passed or failed): what the score stands on
    skipped_gates: tuple[str, ...]  # failing gates of earlier phases


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the read and evaluate steps saw, for the report's footer."""

    deals_read: int = 0
    deals_evaluated: int = 0
    unmapped_stages: Mapping[tuple[str | None, str], int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()  # the first messages, as the run kept them
    error_count: int = 0  # deals that could not be normalized or evaluated
    missing_fields: tuple[str, ...] = ()


class AuditSummary:
    """Aggregates of the audited deals; `add` one row at a time, read the fields at the end."""

    def __init__(self, context: ReportContext, flagged_cap: int = FLAGGED_CAP) -> None:
        self.context = context
        self.flagged_cap = flagged_cap
        self.deals = 0
        self.open_without_amount = 0  # open (selling-phase) deals left out of the forecast
        self.failing_deals = 0
        self.failing_results = 0
        self.without_phase = 0  # in scope but in no phase (closed lost)
        self.filtered_out = 0  # read and evaluated, outside the pipeline/phase/owner filters
        self.phases: dict[Phase, PhaseStats] = {p: PhaseStats(p) for p in Phase}
        self._gates: dict[str, GateStats] = {
            g.id: GateStats(g.id, g.phase) for g in context.gates.values()
        }
        # (gate id, gate phase, outcome) counts by deal phase, not yet in `_gates`: counted in C
        # per deal (Counter.update over attrgetter tuples), folded in when `gates` is read.
        self._tally: dict[Phase, Counter[tuple[str, Phase, Outcome]]] = {
            p: Counter() for p in Phase
        }
        self.owners: dict[str | None, OwnerStats] = {}
        self.forecast: dict[tuple[Phase, str | None], Forecast] = {}
        self.flagged: list[FlaggedDeal] = []
        self.flagged_total = 0
        self.run = RunFacts()

    @property
    def gates(self) -> dict[str, GateStats]:
        """Each gate's outcomes by deal phase, in catalog order (then first seen)."""
        for deal_phase, tally in self._tally.items():
            for (gate_id, gate_phase, outcome), count in tally.items():
                counts = self._gate(gate_id, gate_phase).by_deal_phase.setdefault(
                    deal_phase, Counter()
                )
                counts[outcome] += count
            tally.clear()
        return self._gates

    def _gate(self, gate_id: str, phase: Phase) -> GateStats:
        stats = self._gates.get(gate_id)
        if stats is None:
            stats = self._gates[gate_id] = GateStats(gate_id, phase)
        return stats

    # -- feeding -----------------------------------------------------------------------------

    def add(self, row: AuditRow) -> None:
        """Count one deal in scope."""
        snapshot, evaluation = row.snapshot, row.evaluation
        deal_phase = evaluation.phase
        failing = row.failing
        skipped = tuple(r for r in failing if r.skipped_phase)
        stage_ahead = bool(skipped) or row.inflated
        self.deals += 1
        self.failing_deals += bool(failing)
        self.failing_results += len(failing)

        phase = self.phases[deal_phase]
        phase.deals += 1
        phase.failing_deals += bool(failing)
        phase.stage_ahead += stage_ahead
        phase._score.add(evaluation.evidence_score)
        if snapshot.amount is None:
            phase.without_amount += 1
        else:
            phase.amounts[snapshot.currency] = (
                phase.amounts.get(snapshot.currency, 0.0) + snapshot.amount
            )

        self._tally[deal_phase].update(map(_RESULT_KEY, evaluation.results))
        for result in skipped:
            self._gate(result.gate_id, result.phase).skipped_phase_failures += 1

        owner = self.owners.get(snapshot.owner_id)
        if owner is None:
            status = self.context.owner_status(snapshot.owner_id)
            owner = OwnerStats(snapshot.owner_id, row.owner_name, status)
            self.owners[snapshot.owner_id] = owner
        owner.deals += 1
        owner.failing_deals += bool(failing)
        owner.failing_gates += len(failing)
        owner.stage_ahead += stage_ahead
        owner._score.add(evaluation.evidence_score)

        if evaluation.phase in SELLING_PHASES:
            if snapshot.amount is None:
                self.open_without_amount += 1  # no amount, no forecast: said so in the reports
            else:
                args = (
                    snapshot.amount,
                    snapshot.stage_probability,
                    evaluation.evidence_probability,
                )
                _cell(self.forecast, (evaluation.phase, snapshot.currency)).add(*args)
                _cell(owner.forecast, snapshot.currency).add(*args)

        if stage_ahead:
            self.flagged_total += 1
            if len(self.flagged) < self.flagged_cap:
                self.flagged.append(
                    FlaggedDeal(
                        id=snapshot.id,
                        name=snapshot.name,
                        owner_name=row.owner_name,
                        phase=evaluation.phase,
                        stage_label=snapshot.stage_label or snapshot.stage,
                        amount=snapshot.amount,
                        currency=snapshot.currency,
                        evidence_score=evaluation.evidence_score,
                        rank=evaluation.rank,
                        evaluated=evaluation.evaluated,
                        skipped_gates=tuple(r.gate_id for r in skipped),
                    )
                )

    def add_without_phase(self) -> None:
        """Count a deal in scope that is in no phase (closed lost): no gates, no row."""
        self.without_phase += 1

    def add_filtered_out(self) -> None:
        """Count a deal outside the audit's filters."""
        self.filtered_out += 1

    def record_run(self, facts: RunFacts) -> None:
        """Attach what the read and evaluate steps saw."""
        self.run = facts

    # -- reading -----------------------------------------------------------------------------

    @property
    def any_failing(self) -> bool:
        """Some audited deal fails some gate (what `--strict` turns into exit code 1)."""
        return self.failing_results > 0

    @property
    def average_evidence_score(self) -> float | None:
        """Mean evidence score of the audited deals that have one."""
        total = sum(p._score.total for p in self.phases.values())
        count = sum(p._score.count for p in self.phases.values())
        return total / count if count else None

    @property
    def flagged_not_listed(self) -> int:
        """Deals ahead of their evidence beyond the listed ones."""
        return self.flagged_total - len(self.flagged)

    def phase_rows(self) -> list[PhaseStats]:
        """The funnel: one row per phase, in phase order."""
        return [self.phases[p] for p in Phase]

    def gate_rows(self) -> list[GateStats]:
        """Every gate seen or in the catalog: by gate phase, catalog order within a phase."""
        order = {gate_id: i for i, gate_id in enumerate(self.gates)}
        phase_index = {p: i for i, p in enumerate(Phase)}
        return sorted(self.gates.values(), key=lambda g: (phase_index[g.phase], order[g.gate_id]))

    def top_failing(self, limit: int = 10) -> list[GateStats]:
        """The gates failing most, most failures first (ties: catalog order)."""
        failing = [g for g in self.gate_rows() if g.failed]
        return sorted(failing, key=lambda g: -g.failed)[:limit]

    def owner_rows(self) -> list[OwnerStats]:
        """Owners by name (no owner last)."""
        return sorted(
            self.owners.values(), key=lambda o: (o.owner_id is None, o.name.casefold(), o.owner_id)
        )

    def forecast_rows(self) -> list[tuple[Phase, str | None, Forecast]]:
        """(phase, currency, forecast) in phase order, then currency."""
        phase_index = {p: i for i, p in enumerate(Phase)}
        keys = sorted(self.forecast, key=lambda k: (phase_index[k[0]], _currency_order(k[1])))
        return [(phase, currency, self.forecast[(phase, currency)]) for phase, currency in keys]

    def forecast_totals(self) -> list[tuple[str | None, Forecast]]:
        """The whole open pipeline per currency."""
        totals: dict[str | None, Forecast] = {}
        for (_, currency), cell in self.forecast.items():
            total = totals.setdefault(currency, Forecast())
            total.deals += cell.deals
            total.amount += cell.amount
            total.crm_weighted += cell.crm_weighted
            total.evidence_weighted += cell.evidence_weighted
        return sorted(totals.items(), key=lambda item: _currency_order(item[0]))
