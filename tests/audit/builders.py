"""Hand-built deals for the report tests: a snapshot plus its evaluation, in one call."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gates.results import DealEvaluation, Finding, FindingCode, GateResult, Outcome
from gates.snapshot import DealSnapshot, Phase
from sync.reports import AuditRow, GateInfo, ReportContext

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

GATES = {
    "budget_confirmed": GateInfo("budget_confirmed", Phase.DISCOVERY, "Budget confirmed"),
    "decision_process_known": GateInfo(
        "decision_process_known", Phase.DISCOVERY, "Decision process known"
    ),
    "approval_requested": GateInfo("approval_requested", Phase.DEFINE, "Approval requested"),
    "approval_granted": GateInfo("approval_granted", Phase.DECISION, "Approval granted"),
    "invoice_sent": GateInfo("invoice_sent", Phase.DELIVERY, "Invoice sent"),
}
OWNERS = {"u1": "Aiko Tanaka", "u2": "Ben Ortiz"}


def context(**overrides: object) -> ReportContext:
    values: dict[str, object] = {
        "crm": "hubspot",
        "generated_at": NOW,
        "gates": GATES,
        "owners": OWNERS,
    }
    values.update(overrides)
    return ReportContext(**values)  # type: ignore[arg-type]


def row(
    deal_id: str = "d1",
    *,
    name: str = "Acme renewal",
    phase: Phase = Phase.DISCOVERY,
    owner: str | None = "u1",
    amount: float | None = 1000.0,
    currency: str | None = "USD",
    crm_probability: float | None = 0.5,
    evidence_probability: float | None = 0.25,
    evidence_score: float | None = 0.5,
    passed: tuple[str, ...] = ("budget_confirmed",),
    failed: tuple[str, ...] = ("decision_process_known",),
    not_evaluated: tuple[str, ...] = (),
    skipped: tuple[str, ...] = (),
    findings: tuple[Finding, ...] = (),
    pipeline: str | None = "default",
    rank: str | None = "C",
) -> AuditRow:
    """A deal in `phase`; `skipped` gates fail and belong to an earlier phase."""
    results = [GateResult(g, GATES[g].phase, Outcome.PASSED) for g in passed]
    results += [GateResult(g, GATES[g].phase, Outcome.FAILED, (f"{g} missing",)) for g in failed]
    results += [GateResult(g, GATES[g].phase, Outcome.NOT_EVALUATED) for g in not_evaluated]
    results += [
        GateResult(g, GATES[g].phase, Outcome.FAILED, ("skipped",), skipped_phase=True)
        for g in skipped
    ]
    if skipped and not findings:
        findings = (Finding(FindingCode.STAGE_AHEAD_OF_EVIDENCE, "stage ahead of evidence"),)
    snapshot = DealSnapshot(
        id=deal_id,
        name=name,
        crm="hubspot",
        pipeline=pipeline,
        stage=f"stage-{phase.value}",
        stage_label=f"Stage {phase.value}",
        stage_phase=phase,
        stage_probability=crm_probability,
        owner_id=owner,
        amount=amount,
        currency=currency,
        close_date=date(2026, 12, 31),
    )
    evaluation = DealEvaluation.of(
        deal_id=deal_id,
        phase=phase,
        results=tuple(results),
        findings=findings,
        evidence_score=evidence_score,
        evidence_probability=evidence_probability,
        rank=rank,
        evaluated=len(passed) + len(failed) + len(skipped),
    )
    return AuditRow(snapshot, evaluation, OWNERS.get(owner or "", owner or ""))
