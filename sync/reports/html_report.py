"""The HTML audit report: one self-contained file for managers (inline CSS, inline SVG, no script).

Sections, by element id (`SECTION_IDS`): the overview, the phase funnel, gate pass rates by
phase, the evidence-based forecast beside the CRM's own, the deals whose stage is ahead of their
evidence, the owners, and the run's own facts. Every CRM text goes through `html.escape`; the
page's Content-Security-Policy forbids any network load, so it views the same offline.

The report is written at the end, from the summary alone: memory does not grow with the deals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from importlib import resources
from string import Template
from typing import TextIO

from gates.results import Outcome
from gates.snapshot import SELLING_PHASES, Phase
from sync.evaluate import unmapped_stage_text
from sync.reports import charts
from sync.reports.model import AuditRow, ReportContext
from sync.reports.numbers import NO_VALUE, money, money_list, percent
from sync.reports.summary import AuditSummary, Forecast

SECTION_IDS: tuple[str, ...] = (
    "overview",
    "funnel",
    "gate-pass-rates",
    "forecast",
    "stage-ahead",
    "owners",
    "run",
)
_TITLES = {
    "overview": "Overview",
    "funnel": "Phase funnel",
    "gate-pass-rates": "Gate pass rates by phase",
    "forecast": "Evidence-based forecast",
    "stage-ahead": "Stage ahead of evidence",
    "owners": "Owners",
    "run": "About this run",
}


EMPTY = '<p class="empty">No deals in this scope.</p>'


def _person(name: str) -> str:
    """A person's name, escaped, kept on one line (a narrow column must not split 田中)."""
    return f'<span class="person">{escape(name)}</span>'


def _template() -> Template:
    text = resources.files("sync.reports").joinpath("report.html").read_text(encoding="utf-8")
    return Template(text)


def _section(section_id: str, note: str, *parts: str) -> str:
    return (
        f'<section id="{section_id}"><h2>{escape(_TITLES[section_id])}</h2>'
        f'<p class="note">{escape(note)}</p>' + "".join(parts) + "</section>"
    )


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table of already-escaped cells; `numeric` column indexes are right-aligned."""

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _forecast_cells(cell: Forecast, currency: str | None) -> list[str]:
    gap = cell.evidence_weighted - cell.crm_weighted
    return [
        str(cell.deals),
        escape(money(cell.amount, currency)),
        escape(money(cell.crm_weighted, currency)),
        escape(money(cell.evidence_weighted, currency)),
        escape(("+" if gap > 0 else "") + money(gap, currency)),
    ]


_FORECAST_HEADERS = ("Deals", "Open amount", "CRM forecast", "Evidence forecast", "Gap")


def overview(summary: AuditSummary) -> str:
    """Headline numbers: deals, failing deals, stage ahead, evidence, open pipeline."""
    cards = [
        (str(summary.deals), "deals audited"),
        (str(summary.failing_deals), "deals failing some gate"),
        (str(summary.flagged_total), "deals with the stage ahead of the evidence"),
        (percent(summary.average_evidence_score), "average evidence score"),
    ]
    html = "".join(
        f'<div class="card"><div class="n">{escape(n)}</div><div class="k">{escape(k)}</div></div>'
        for n, k in cards
    )
    totals = summary.forecast_totals()
    pipeline = money_list([(c, f.amount) for c, f in totals])
    return _section(
        "overview",
        f"Open pipeline (discovery to decision): {pipeline}.",
        f'<div class="cards">{html}</div>',
    )


def funnel(summary: AuditSummary) -> str:
    """The five phases with their deal counts and amounts (currencies kept apart)."""
    steps = [
        charts.FunnelStep(p.phase.value, p.deals, money_list(p.currencies()))
        for p in summary.phase_rows()
    ]
    note = "Deals in each phase and their amounts. Closed-lost deals are in no phase."
    if not any(step.deals for step in steps):
        return _section("funnel", note, EMPTY)
    return _section("funnel", note, charts.funnel(steps))


def gate_pass_rates(summary: AuditSummary) -> str:
    """Heatmap of pass rates: gates (rows) by the phase the deal is in (columns)."""
    group = {p: i for i, p in enumerate(Phase)}
    # only the phases with deals in scope (a --phase filter leaves one), only gates checked there
    phases = [row.phase for row in summary.phase_rows() if row.deals]
    rows = [
        charts.HeatRow(
            g.gate_id,
            group[g.phase],
            tuple(
                charts.HeatCell(
                    g.count(Outcome.PASSED, p),
                    g.count(Outcome.FAILED, p),
                    g.count(Outcome.NOT_EVALUATED, p),
                )
                if p in g.by_deal_phase
                else None
                for p in phases
            ),
        )
        for g in summary.gate_rows()
        if any(p in g.by_deal_phase for p in phases)
    ]
    note = (
        "Share of evaluated deals that pass each gate, by the phase the deal is in. Grey "
        "(not eval.): the evidence is not mapped, so the gate is not evaluated. Dashed white "
        "with a dash: the gate does not apply to deals of that phase. Phases without a deal "
        "in scope are left out."
    )
    if not summary.deals:
        return _section("gate-pass-rates", note, EMPTY)
    return _section(
        "gate-pass-rates", note, charts.pass_rate_heatmap([p.value for p in phases], rows)
    )


def forecast(summary: AuditSummary) -> str:
    """Amount x CRM stage probability against amount x evidence probability, per currency."""
    parts: list[str] = []
    rows = summary.forecast_rows()
    for currency, _ in summary.forecast_totals():
        bars = [
            charts.ForecastBar(
                phase.value,
                cell.amount,
                cell.crm_weighted,
                cell.evidence_weighted,
                money(cell.amount, currency),
                money(cell.crm_weighted, currency),
                money(cell.evidence_weighted, currency),
            )
            for phase, cur, cell in rows
            if cur == currency
        ]
        parts.append(f'<div class="currency">{escape(currency or "(no currency)")}</div>')
        parts.append(charts.forecast_bars(currency or "(no currency)", bars))
    by_phase = [
        [escape(phase.value), escape(currency or NO_VALUE), *_forecast_cells(cell, currency)]
        for phase, currency, cell in rows
    ]
    by_phase += [
        [
            "<strong>all open</strong>",
            escape(currency or NO_VALUE),
            *_forecast_cells(cell, currency),
        ]
        for currency, cell in summary.forecast_totals()
    ]
    parts.append(_table(("Phase", "Currency", *_FORECAST_HEADERS), by_phase, {2, 3, 4, 5, 6}))
    by_owner = [
        [
            _person(owner.name or "(no owner)"),
            escape(currency or NO_VALUE),
            *_forecast_cells(cell, currency),
        ]
        for owner in summary.owner_rows()
        for currency, cell in owner.forecasts()
    ]
    parts.append(_table(("Owner", "Currency", *_FORECAST_HEADERS), by_owner, {2, 3, 4, 5, 6}))
    selling = ", ".join(p.value for p in SELLING_PHASES)
    note = (
        f"Open deals ({selling}). CRM forecast: amount x the CRM stage probability. Evidence "
        "forecast: amount x the probability the gates met support. Currencies are kept apart."
    )
    left_out = summary.open_without_amount
    if left_out:
        note += (
            f" {charts.deals(left_out).capitalize()} without an amount "
            f"{'is' if left_out == 1 else 'are'} left out of the forecast (no amount to weigh)."
        )
    if not rows:
        return _section("forecast", note, EMPTY)
    return _section("forecast", note, *parts)


def stage_ahead(summary: AuditSummary) -> str:
    """The deals whose CRM stage is ahead of their evidence, with the gates they skipped."""
    rows = [
        [
            escape(d.name or d.id),
            _person(d.owner_name) if d.owner_name else NO_VALUE,
            escape(d.phase.value),
            escape(d.stage_label),
            escape(NO_VALUE if d.amount is None else money(d.amount, d.currency)),
            escape(percent(d.evidence_score)),
            ", ".join(f"<code>{escape(g)}</code>" for g in d.skipped_gates) or NO_VALUE,
        ]
        for d in sorted(
            summary.flagged,  # the biggest first, then the furthest ahead of their evidence
            key=lambda d: (d.amount is None, -(d.amount or 0.0), -len(d.skipped_gates)),
        )
    ]
    headers = ("Deal", "Owner", "Phase", "CRM stage", "Amount", "Evidence", "Skipped gates")
    parts = [_table(headers, rows, {4, 5})] if rows else []
    if summary.flagged_not_listed:
        parts.append(
            f'<p class="note">and {summary.flagged_not_listed} more not listed here '
            "(the JSON and CSV reports list every deal).</p>"
        )
    note = (
        f"{charts.deals(summary.flagged_total).capitalize()} "
        f"{'fails' if summary.flagged_total == 1 else 'fail'} gates of a phase before their "
        "stage's: they skipped a step, or the stage was moved on without the evidence. "
        "Largest amount first, then the most skipped gates."
    )
    return _section("stage-ahead", note, *parts)


def owners(summary: AuditSummary) -> str:
    """One row per deal owner."""
    rows = [
        [
            _person(o.name or "(no owner)")
            + (f'<br><span class="inactive">{escape(o.status)}</span>' if o.status else ""),
            str(o.deals),
            str(o.failing_deals),
            str(o.failing_gates),
            str(o.stage_ahead),
            escape(percent(o.average_evidence_score)),
            escape(money_list([(c, f.amount) for c, f in o.forecasts()])),
        ]
        for o in summary.owner_rows()
    ]
    headers = (
        "Owner",
        "Deals",
        "Failing deals",
        "Failing gates",
        "Stage ahead",
        "Avg evidence",
        "Open amount",
    )
    note = "Deals per owner; failing gates are the tasks dealgate would write."
    return _section("owners", note, _table(headers, rows, {1, 2, 3, 4, 5}))


def run_facts(summary: AuditSummary) -> str:
    """What the read saw: counts, unmapped stages, missing fields, deals that failed."""
    run = summary.run
    facts = [
        ("deals read", run.deals_read),
        ("deals evaluated", run.deals_evaluated),
        ("deals audited (in scope)", summary.deals),
        ("closed lost, in no phase", summary.without_phase),
        ("outside the filters", summary.filtered_out),
        ("deals that could not be evaluated", run.error_count),
    ]
    rows = [[escape(k), str(v)] for k, v in facts]
    rows += [
        [escape(unmapped_stage_text(pipeline, stage)), str(count)]
        for (pipeline, stage), count in sorted(
            run.unmapped_stages.items(), key=lambda item: (item[0][0] or "", item[0][1])
        )
    ]
    parts = [_table(("", "Deals"), rows, {1})]
    if run.missing_fields:
        items = "".join(f"<li>{escape(line)}</li>" for line in run.missing_fields)
        parts.append(f'<p class="note">Mapped fields missing in the CRM:</p><ul>{items}</ul>')
    context = summary.context
    filters = ", ".join(f"{k} = {v}" for k, v in context.filters.items() if v is not None)
    return _section("run", f"CRM: {context.crm}. Filters: {filters or 'none'}.", *parts)


def render(summary: AuditSummary) -> str:
    """The whole report as one HTML document."""
    context = summary.context
    sections = [
        overview(summary),
        funnel(summary),
        gate_pass_rates(summary),
        forecast(summary),
        stage_ahead(summary),
        owners(summary),
        run_facts(summary),
    ]
    nav = "".join(f'<a href="#{i}">{escape(_TITLES[i])}</a>' for i in SECTION_IDS)
    stamp = context.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return _template().substitute(
        title=escape(f"dealgate audit: {context.crm}"),
        subtitle=escape(f"{charts.deals(summary.deals)}, evaluated {stamp}"),
        nav=nav,
        sections="\n".join(sections),
        generated_at=escape(context.generated_at.isoformat()),
    )


class HtmlReport:
    """Writes the report once the summary is complete; deals are not kept."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def start(self, context: ReportContext) -> None:
        """Nothing to write before the summary exists."""

    def deal(self, row: AuditRow) -> None:
        """Deals reach the report through the summary only."""

    def finish(self, summary: AuditSummary) -> None:
        """Write the document."""
        self._out.write(render(summary))
