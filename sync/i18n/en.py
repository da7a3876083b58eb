"""The English catalog: every report, summary and demo text (see sync/i18n/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gates.attributes import ROLE_NAMES
from gates.snapshot import Phase, Role


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _deals(n: int) -> str:
    return _n(n, "deal", "deals")


def _where(pipeline: str | None) -> str:
    return f"pipeline {pipeline!r}, " if pipeline is not None else ""


def _unmapped(pipeline: str | None, stage: str, deals: int | None = None) -> str:
    skipped = "its deals are skipped" if deals is None else f"{deals} deal(s) skipped"
    return f"{_where(pipeline)}stage {stage!r} is not in the mapping: {skipped}"


def _stage_ahead(phase: Phase, gates: Sequence[str]) -> str:
    return (
        f"stage is {Phase(phase).value} but {len(gates)} gate(s) of earlier phases fail: "
        + ", ".join(gates)
    )


def _opponents(people: Sequence[tuple[Role, str]]) -> str:
    names = ", ".join(f"{ROLE_NAMES[role]} {name} ({role.value})" for role, name in people)
    return f"opponent (×) without a counter-plan: {names}"


def _no_owner(owner_id: str | None, tasks: int, planned: bool) -> str:
    who = (
        f"the deal's owner {owner_id} is inactive or unknown"
        if owner_id
        else "the deal has no owner"
    )
    verb = "would not be created" if planned else "not created"
    return f"{tasks} task(s) {verb}: {who} and no usable tasks.fallback_owner is set"


def _stage_ahead_note(n: int) -> str:
    return (
        f"{_deals(n).capitalize()} {'fails' if n == 1 else 'fail'} gates of a phase before their "
        "stage's: they skipped a step, or the stage was moved on without the evidence. "
        "Largest amount first, then the most skipped gates."
    )


def _left_out(n: int) -> str:
    return (
        f" {_deals(n).capitalize()} without an amount "
        f"{'is' if n == 1 else 'are'} left out of the forecast (no amount to weigh)."
    )


def _dry_summary(create: int, complete: int, deferred: int, verdicts: str = "") -> str:
    return (
        f"dry run: {create} task(s) to create, {complete} to complete, {deferred} deferred"
        f"{verdicts}; nothing was written"
    )


TEXTS: dict[str, str | Callable[..., Any]] = {
    # -- shared --------------------------------------------------------------------------------
    "phase.discovery": "discovery",
    "phase.define": "define",
    "phase.decision": "decision",
    "phase.delivery": "delivery",
    "phase.maintenance": "maintenance",
    "count.deals": _deals,
    "common.separator": ", ",
    "common.no_owner": "(no owner)",
    "common.no_currency": "(no currency)",
    "common.none": "none",
    "common.yes": "yes",
    "common.no": "no",
    "filter.pipeline": "pipeline",
    "filter.phase": "phase",
    "filter.owner": "owner",
    "owner.inactive": "inactive: {where}",
    "owner.to_fallback": "tasks go to the fallback owner {name}",
    "owner.nobody": "no task reaches anyone (no_owner)",
    "run.unmapped_stage": _unmapped,
    "run.missing_field": "missing field: {line}",
    "missing.deal": "{what} -> {field}: no such field on the deal",
    "missing.link": "{what} -> {field}: no such field on the deal-contact link",
    "missing.contact": "{what} -> {field}: no such field on the contact",
    "missing.pipeline_fallback": ' (every deal takes the "*" stage map)',
    "run.errors": "{n} deal(s) could not be evaluated (see the log)",
    # -- deal findings (gates/findings.py makes the same English text) ---------------------------
    "finding.stage_ahead_of_evidence": _stage_ahead,
    "finding.approval_rejected": lambda: "approval rejected",
    "finding.close_date_passed": lambda close_date: (
        f"close date {close_date.isoformat()} is in the past on an open deal"
    ),
    "finding.opponent_key_person": _opponents,
    "finding.single_threaded": lambda contacts: (
        f"single-threaded: {contacts} contact{'' if contacts == 1 else 's'} on the deal"
    ),
    "finding.no_owner": _no_owner,
    # -- the terminal table (sync/reports/table.py) ---------------------------------------------
    "table.title": "dealgate audit: {crm}, {stamp}",
    "table.col.deal": "Deal",
    "table.col.owner": "Owner",
    "table.col.phase": "Phase",
    "table.col.rank": "Rank",
    "table.col.evidence": "Evidence",
    "table.col.evaluated": "Evaluated",
    "table.col.failing": "Failing gates",
    "table.col.findings": "Findings",
    "table.skipped_legend": "{mark} a gate of an earlier phase: the stage is ahead of it.",
    "table.no_deal": "No deal in scope.",
    "table.totals": lambda deals, failing, flagged: (
        f"{deals} deals audited, {failing} failing some gate, "
        f"{flagged} with the stage ahead of the evidence."
    ),
    "table.phases": "Deals per phase",
    "table.phases.deals": "Deals",
    "table.phases.failing": "Failing",
    "table.stage_ahead": "Stage ahead",
    "table.avg_evidence": "Avg evidence",
    "table.amount": "Amount",
    "table.top_gates": "Gates failing most",
    "table.top_gates.gate": "Gate",
    "table.top_gates.failed": "Failed",
    "table.top_gates.pass_rate": "Pass rate",
    "table.top_gates.title": "Title",
    "table.owners": "Per owner",
    "table.owners.failing_deals": "Failing deals",
    "table.owners.failing_gates": "Failing gates",
    # -- CSV headers (sync/reports/csv_report.py) ------------------------------------------------
    "csv.deal_id": "deal_id",
    "csv.deal_name": "deal_name",
    "csv.owner_id": "owner_id",
    "csv.owner_name": "owner_name",
    "csv.pipeline": "pipeline",
    "csv.stage": "stage",
    "csv.phase": "phase",
    "csv.amount": "amount",
    "csv.currency": "currency",
    "csv.close_date": "close_date",
    "csv.crm_probability": "crm_probability",
    "csv.evidence_score": "evidence_score",
    "csv.gates_evaluated": "gates_evaluated",
    "csv.rank": "rank",
    "csv.gate_id": "gate_id",
    "csv.gate_title": "gate_title",
    "csv.gate_phase": "gate_phase",
    "csv.skipped_phase": "skipped_phase",
    "csv.reasons": "reasons",
    "csv.true": "true",
    "csv.false": "false",
    # -- the HTML report (sync/reports/html_report.py) -------------------------------------------
    "html.title": "dealgate audit: {crm}",
    "html.subtitle": "{deals}, evaluated {stamp}",
    "html.footer": (
        "Generated by dealgate at {stamp}. Self-contained: this file loads nothing from the "
        "network."
    ),
    "html.section.overview": "Overview",
    "html.section.funnel": "Phase funnel",
    "html.section.gate-pass-rates": "Gate pass rates by phase",
    "html.section.forecast": "CRM forecast and evidence-weighted amount",
    "html.section.stage-ahead": "Stage ahead of evidence",
    "html.section.owners": "Owners",
    "html.section.run": "About this run",
    "html.empty": "No deals in this scope.",
    "html.card.deals": "deals audited",
    "html.card.failing": "deals failing some gate",
    "html.card.flagged": "deals with the stage ahead of the evidence",
    "html.card.evidence": "average evidence score",
    "html.overview.note": "Open pipeline (discovery to decision): {pipeline}.",
    "html.funnel.note": "Deals in each phase and their amounts. Closed-lost deals are in no phase.",
    "html.rates.note": (
        "Share of evaluated deals that pass each gate, by the phase the deal is in. Grey "
        "(not eval.): the evidence is not mapped, so the gate is not evaluated. Dashed white "
        "with a dash: the gate does not apply to deals of that phase. Phases without a deal "
        "in scope are left out."
    ),
    "html.forecast.note": (
        "Open deals ({selling}). CRM forecast: amount x the CRM stage probability. "
        "Evidence-weighted amount: amount x the share the gates met support; it measures how "
        "well the pipeline is evidenced and is not a revenue forecast. Currencies are kept apart."
    ),
    "html.forecast.left_out": _left_out,
    "html.forecast.all_open": "all open",
    "html.col.deal": "Deal",
    "html.col.owner": "Owner",
    "html.col.phase": "Phase",
    "html.col.currency": "Currency",
    "html.col.deals": "Deals",
    "html.col.open_amount": "Open amount",
    "html.col.crm_forecast": "CRM forecast",
    "html.col.evidence_forecast": "Evidence-weighted amount",
    "html.col.gap": "Gap",
    "html.col.crm_stage": "CRM stage",
    "html.col.amount": "Amount",
    "html.col.rank": "Rank",
    "html.col.evidence": "Evidence",
    "html.col.evaluated": "Gates evaluated",
    "html.col.skipped": "Skipped gates",
    "html.col.failing_deals": "Failing deals",
    "html.col.failing_gates": "Failing gates",
    "html.col.stage_ahead": "Stage ahead",
    "html.col.avg_evidence": "Avg evidence",
    "html.stage_ahead.note": _stage_ahead_note,
    "html.stage_ahead.more": (
        "and {n} more not listed here (the JSON and CSV reports list every deal)."
    ),
    "html.owners.note": "Deals per owner; failing gates are the tasks dealgate would write.",
    "html.run.deals_read": "deals read",
    "html.run.deals_evaluated": "deals evaluated",
    "html.run.deals_audited": "deals audited (in scope)",
    "html.run.without_phase": "closed lost, in no phase",
    "html.run.filtered_out": "outside the filters",
    "html.run.errors": "deals that could not be evaluated",
    "html.run.missing_fields": "Mapped fields missing in the CRM:",
    "html.run.note": "CRM: {crm}. Filters: {filters}.",
    "html.run.filter": "{name} = {value}",
    # -- the charts (sync/reports/charts.py) -----------------------------------------------------
    "chart.funnel": "Deals per phase",
    "chart.funnel.none": "no deals in this scope",
    "chart.funnel.tip": "{phase}: {deals}",
    "chart.rates": "Gate pass rates by deal phase",
    "chart.rates.not_applicable": "{gate} does not apply to {phase} deals",
    "chart.rates.cell": lambda gate, phase, passed, failed, not_evaluated: (
        f"{gate} on {phase} deals: {passed} passed, {failed} failed, {not_evaluated} not evaluated"
    ),
    "chart.rates.not_eval": "not eval.",
    "chart.legend.pass": "{rate} pass",
    "chart.legend.rates": "pass rate 0% / 50% / 100%",
    "chart.legend.not_evaluated_tip": "not evaluated",
    "chart.legend.not_evaluated": "not eval.: evidence not mapped",
    "chart.legend.not_applicable_tip": "does not apply",
    "chart.legend.not_applicable": "–: gate does not apply to deals of that phase",
    "chart.forecast": "Forecast in {currency}",
    "chart.forecast.amount": "open amount",
    "chart.forecast.crm": "CRM forecast",
    "chart.forecast.crm_legend": "CRM forecast (stage probability)",
    "chart.forecast.evidence": "evidence-weighted amount",
    "chart.forecast.tip": "{phase}, {name}: {value}",
    # -- one cycle: the run summary line and the dry-run diff (sync/cycle.py) --------------------
    "cycle.dry": _dry_summary,
    "cycle.live": lambda full, read, created, completed, deferred: (
        f"{'full' if full else 'incremental'} cycle: {read} deal(s) read, "
        f"{created} task(s) created, {completed} completed, {deferred} deferred"
    ),
    "cycle.refused": ", {n} refused",
    "cycle.unmapped": "; {n} deal(s) skipped in unmapped stages",
    "cycle.interrupted": " (interrupted)",
    "cycle.verdicts_dry": ", {n} deal verdict(s) to write",
    "cycle.verdicts_written": ", {n} deal verdict(s) written",
    "cycle.verdicts_refused": " ({n} refused)",
    "cycle.verdict": "~ verdict on {deal}: {changes}",
    "cycle.verdict_empty": "(empty)",
    "cycle.create": "+ create {gate} on {deal} for {owner} [{detail}]: {subject}",
    "cycle.complete": "- complete {gate} on {deal} (task {task}, {detail})",
    "cycle.refused_action": "  REFUSED: {error}",
    "cycle.warning": "warning: {line}",
    "cycle.priority.high": "high",
    "cycle.priority.normal": "normal",
    "cycle.priority.low": "low",
    "cycle.why.passed": "passed",
    "cycle.why.left_scope": "left_scope",
    "cycle.why.deleted": "deleted",
    "cycle.why.moot": "moot",
    "cycle.why.gate_off": "gate_off",
    # -- `dealgate demo` (sync/demo.py) ----------------------------------------------------------
    "demo.headline": lambda crm, read, evaluated, created, deferred, calls: (
        f"[bold]dealgate demo[/bold] against the {crm} sandbox: {read} deals read, "
        f"{evaluated} evaluated, {created} tasks created, "
        f"{deferred} deferred by the per-owner cap, {calls} API calls."
    ),
    "demo.phases": "Deals per phase",
    "demo.col.phase": "phase",
    "demo.col.deals": "deals",
    "demo.closed_lost": "(closed lost)",
    "demo.unmapped": "(stage not in the mapping: skipped)",
    "demo.gates": "Gates failing most",
    "demo.col.gate": "gate",
    "demo.col.failing": "deals failing",
    "demo.owners": "Tasks created per owner",
    "demo.col.owner": "owner",
    "demo.col.tasks": "tasks",
    "demo.findings": "Deal findings of the planner",
    "demo.col.finding": "finding",
    "demo.col.meaning": "what it means",
    "demo.meaning.no_owner": (
        "owner inactive and no tasks.fallback_owner: its tasks were not created"
    ),
    "demo.meaning.stage_ahead_of_evidence": (
        "the CRM stage is ahead of the evidence (a skipped step)"
    ),
    "demo.meaning.approval_rejected": "the customer's approval was rejected",
    "demo.meaning.close_date_passed": "the close date is in the past while the deal is open",
    "demo.meaning.opponent_key_person": (
        "a decision maker or approver is an opponent, with no counter-plan"
    ),
    "demo.meaning.single_threaded": "at most one contact on the deal",
    "demo.warning": "[yellow]warning:[/yellow] {line}",
    "demo.task": "[bold]A task as the rep sees it:[/bold] {subject}",
    "demo.verdicts": "The verdict on the deal, as the CRM now holds it",
    "verdict.label.phase": "dealgate phase",
    "verdict.label.evidence_score": "dealgate evidence score",
    "verdict.label.missing_steps": "dealgate missing steps",
    "verdict.label.next_step": "dealgate next step",
    "verdict.label.stage_ahead": "dealgate stage ahead of evidence",
    "verdict.label.verdict_at": "dealgate verdict at",
    "demo.col.deal": "deal",
    "demo.next": "Next, try:",
    "demo.next.serve": "this sandbox, kept running; prints a config",
    "demo.next.audit": "the managers' report of it",
    "demo.next.init": "for your own CRM",
}
