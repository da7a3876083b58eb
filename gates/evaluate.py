"""Evaluating a deal: phase, gate results, findings, evidence score and probability. Pure.

The catalog is compiled once per pipeline into a plan: for each phase a deal can be in, the
steps of every enabled gate it is checked against, in phase order, each with its probe
(gates/kinds.py), its `skipped_phase` flag and its shared `passed` result. A plan resolves the
`not_evaluated` rule once per distinct `snapshot.mapped` set (deals of one CRM account share
it). Failed results are shared too when their reasons repeat. Evaluating a deal is then one
pass over precompiled closures: no lookups by name, no per-gate dict building.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gates.catalog import Catalog
from gates.findings import deal_findings, skipped_failures
from gates.forecast import forecast_counts
from gates.kinds import Probe, Reasons, compile_probe, needed, not_mapped_reason
from gates.model import Gate
from gates.phases import PHASE_ORDER, checked_phases, resolve_phase
from gates.rank import confidence_rank
from gates.results import DealEvaluation, GateResult, Outcome
from gates.snapshot import DealSnapshot, Phase, Qualification

_MAX_SHARED = 64  # distinct failure results kept per gate; more are built per deal
_MAX_MAPPED = 64  # distinct `mapped` sets resolved per plan phase; more are resolved per deal
_MAX_PIPELINES = 256  # pipeline ids remembered per catalog; more are looked up per deal
_PHASES = len(Phase)
_DISCOVERY = Phase.DISCOVERY
_PURSUE = Qualification.PURSUE
_QUALIFICATION = "qualification"


class _Failures(dict[Reasons, GateResult]):
    """Failed results of one gate by reasons, built on first use and shared after."""

    __slots__ = ("gate_id", "phase", "skipped_phase")

    def __init__(self, gate: Gate, skipped_phase: bool) -> None:
        super().__init__()
        self.gate_id, self.phase, self.skipped_phase = gate.id, gate.phase, skipped_phase

    def __missing__(self, reasons: Reasons) -> GateResult:
        result = GateResult(self.gate_id, self.phase, Outcome.FAILED, reasons, self.skipped_phase)
        if len(self) < _MAX_SHARED:
            self[reasons] = result
        return result


@dataclass(frozen=True, slots=True)
class _Step:
    gate: Gate
    needs: frozenset[str]
    probe: Probe
    passed: GateResult
    failures: _Failures
    index: int  # the gate's phase, as an index in phase order


# A step resolved against one `mapped` set: (probe or None, constant result, failures, index).
# probe None means the gate is not evaluated and the constant result is its `not_evaluated`.
_Resolved = tuple[Probe | None, GateResult, _Failures, int]


# Steps resolved against one `mapped` set, with the count of evaluated gates per phase index.
_Resolution = tuple[tuple[_Resolved, ...], tuple[int, ...]]


@dataclass(slots=True)
class PhasePlan:
    """The gates a deal in one phase is checked against, compiled."""

    steps: tuple[_Step, ...]
    order: int  # the deal phase's index in phase order: earlier phases are below it
    by_mapped: dict[frozenset[str], _Resolution] = field(default_factory=dict)

    def resolve(self, mapped: frozenset[str]) -> _Resolution:
        """The steps for deals whose mapped attributes are `mapped` (cached per set)."""
        resolution = self.by_mapped.get(mapped)
        if resolution is not None:
            return resolution
        out: list[_Resolved] = []
        evaluated = [0] * _PHASES
        for step in self.steps:
            missing = step.needs - mapped
            if missing:
                gate = step.gate
                unmapped = GateResult(
                    gate.id,
                    gate.phase,
                    Outcome.NOT_EVALUATED,
                    (not_mapped_reason(missing),),
                    step.passed.skipped_phase,
                )
                out.append((None, unmapped, step.failures, step.index))
            else:
                out.append((step.probe, step.passed, step.failures, step.index))
                evaluated[step.index] += 1
        resolution = (tuple(out), tuple(evaluated))
        if len(self.by_mapped) < _MAX_MAPPED:
            self.by_mapped[mapped] = resolution
        return resolution


Plan = dict[Phase, PhasePlan]


def _step(gate: Gate, deal_phase: Phase) -> _Step:
    skipped = gate.phase is not deal_phase and not gate.ongoing
    return _Step(
        gate=gate,
        needs=needed(gate),
        probe=compile_probe(gate),
        passed=GateResult(gate.id, gate.phase, Outcome.PASSED, (), skipped),
        failures=_Failures(gate, skipped),
        index=PHASE_ORDER[gate.phase],
    )


def compile_plan(gates: Iterable[Gate]) -> Plan:
    """Per deal phase, the steps of the enabled gates it is checked against, in phase order."""
    enabled = [gate for gate in gates if gate.enabled]
    plan: Plan = {}
    for phase in Phase:
        checked = checked_phases(phase)
        applicable = sorted(
            (gate for gate in enabled if gate.phase in checked),
            key=lambda gate: PHASE_ORDER[gate.phase],  # stable: catalog order within a phase
        )
        steps = tuple(_step(gate, phase) for gate in applicable)
        plan[phase] = PhasePlan(steps, PHASE_ORDER[phase])
    return plan


def plan_for(catalog: Catalog, pipeline: str | None) -> Plan:
    """The compiled plan for deals of `pipeline`, built on first use and kept on the catalog."""
    plan: Plan | None = catalog.plans.get(pipeline)
    if plan is not None:
        return plan
    key = catalog.pipeline_key(pipeline)
    plan = catalog.plans.get(key)
    if plan is None:
        plan = compile_plan(catalog.for_pipeline(key))
        catalog.plans[key] = plan
    if len(catalog.plans) < _MAX_PIPELINES:
        catalog.plans[pipeline] = plan  # pipelines without overrides share the default plan
    return plan


def evaluate_deal(
    snapshot: DealSnapshot,
    now: datetime,
    catalog: Catalog,
    *,
    maintenance_after_days: int = 90,
) -> DealEvaluation | None:
    """Evaluate one deal at `now` (naive: UTC); None when it is in no phase (closed lost).

    Results cover the gates that apply: for a selling phase P, every selling phase up to P
    (earlier phases marked `skipped_phase`); for a won deal, its own phase only. Findings,
    evidence score and evidence probability: gates/findings.py, gates/forecast.py.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    phase = resolve_phase(snapshot, now, maintenance_after_days)
    if phase is None:
        return None
    plan = catalog.plans.get(snapshot.pipeline) or plan_for(catalog, snapshot.pipeline)
    phase_plan = plan[phase]
    mapped = snapshot.mapped
    steps, evaluated = phase_plan.by_mapped.get(mapped) or phase_plan.resolve(mapped)
    failed = [0] * _PHASES
    results: list[GateResult] = []
    failing: list[GateResult] = []
    append = results.append
    for probe, constant, failures, index in steps:
        if probe is not None:
            reasons = probe(snapshot, now)
            if reasons:
                result = failures[reasons]
                append(result)
                failing.append(result)
                failed[index] += 1
                continue
        append(constant)
    final = tuple(results)
    score, probability = forecast_counts(phase, evaluated, failed)
    # Only failures of an earlier phase make the deal "ahead of its evidence".
    skipped = skipped_failures(failing) if any(failed[: phase_plan.order]) else ()
    findings = deal_findings(snapshot, phase, final, now, skipped=skipped)
    return DealEvaluation(
        snapshot.id,
        phase,
        final,
        findings,
        score,
        probability,
        tuple(failing),  # what `DealEvaluation.of` works out, known here already
        qualified=qualified(snapshot, phase),
        rank=confidence_rank(snapshot, phase),
        evaluated=sum(evaluated),
    )


def qualified(snapshot: DealSnapshot, phase: Phase) -> bool:
    """Whether a deal is past the first decision of discovery (slides 52-54, 57): pursue it,
    pend it or drop it. A discovery deal whose mapped `qualification` is not `pursue` is not;
    a deal past discovery, or without the field, is."""
    if phase is not _DISCOVERY or _QUALIFICATION not in snapshot.mapped:
        return True
    return snapshot.qualification is _PURSUE
