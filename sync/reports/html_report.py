"""The HTML audit report: one self-contained file for managers (inline CSS, inline SVG, no script).

Sections, by element id (`SECTION_IDS`): the overview, the phase funnel, gate pass rates by
phase, the evidence-weighted amount beside the CRM's forecast, the deals whose stage is ahead of
their evidence, the owners, and the run's own facts. Every CRM text goes through `html.escape`; the
page's Content-Security-Policy forbids any network load, so it views the same offline. Every
text for people comes from the catalog of the report's language (sync.i18n `html.*`, `chart.*`);
a Japanese page says `<html lang="ja">` and puts Japanese fonts first.

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
from sync.i18n import Words
from sync.i18n.formats import stamp_text
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
# The page's fonts: Latin first in English; Japanese first in Japanese, so that kana and kanji
# never fall back to a Chinese face (Noto Sans CJK JP is Debian's fonts-noto-cjk).
FONTS = {
    "en": 'system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans CJK JP", '
    '"Yu Gothic", sans-serif',
    "ja": '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", '
    '"Yu Gothic UI", "Yu Gothic", Meiryo, system-ui, sans-serif',
}


def _empty(words: Words) -> str:
    return f'<p class="empty">{escape(words("html.empty"))}</p>'


def _person(name: str) -> str:
    """A person's name, escaped, kept on one line (a narrow column must not split 田中)."""
    return f'<span class="person">{escape(name)}</span>'


def _template() -> Template:
    text = resources.files("sync.reports").joinpath("report.html").read_text(encoding="utf-8")
    return Template(text)


def _section(words: Words, section_id: str, note: str, *parts: str) -> str:
    title = words(f"html.section.{section_id}")
    return (
        f'<section id="{section_id}"><h2>{escape(title)}</h2>'
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


def _forecast_cells(cell: Forecast, currency: str | None, language: str) -> list[str]:
    gap = cell.evidence_weighted - cell.crm_weighted
    return [
        str(cell.deals),
        escape(money(cell.amount, currency, language)),
        escape(money(cell.crm_weighted, currency, language)),
        escape(money(cell.evidence_weighted, currency, language)),
        escape(("+" if gap > 0 else "") + money(gap, currency, language)),
    ]


_FORECAST_HEADERS = (
    "html.col.deals",
    "html.col.open_amount",
    "html.col.crm_forecast",
    "html.col.evidence_forecast",
    "html.col.gap",
)


def _headers(words: Words, *keys: str) -> list[str]:
    return [words(key) if key else "" for key in keys]


def overview(summary: AuditSummary) -> str:
    """Headline numbers: deals, failing deals, stage ahead, evidence, open pipeline."""
    words = summary.context.words
    cards = [
        (str(summary.deals), words("html.card.deals")),
        (str(summary.failing_deals), words("html.card.failing")),
        (str(summary.flagged_total), words("html.card.flagged")),
        (percent(summary.average_evidence_score), words("html.card.evidence")),
    ]
    html = "".join(
        f'<div class="card"><div class="n">{escape(n)}</div><div class="k">{escape(k)}</div></div>'
        for n, k in cards
    )
    totals = summary.forecast_totals()
    pipeline = money_list([(c, f.amount) for c, f in totals], words.language)
    return _section(
        words,
        "overview",
        words("html.overview.note", pipeline=pipeline),
        f'<div class="cards">{html}</div>',
    )


def funnel(summary: AuditSummary) -> str:
    """The five phases with their deal counts and amounts (currencies kept apart)."""
    words = summary.context.words
    steps = [
        charts.FunnelStep(words.phase(p.phase), p.deals, money_list(p.currencies(), words.language))
        for p in summary.phase_rows()
    ]
    note = words("html.funnel.note")
    if not any(step.deals for step in steps):
        return _section(words, "funnel", note, _empty(words))
    return _section(words, "funnel", note, charts.funnel(steps, words))


def gate_pass_rates(summary: AuditSummary) -> str:
    """Heatmap of pass rates: gates (rows) by the phase the deal is in (columns)."""
    words = summary.context.words
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
    note = words("html.rates.note")
    if not summary.deals:
        return _section(words, "gate-pass-rates", note, _empty(words))
    columns = [words.phase(p) for p in phases]
    return _section(words, "gate-pass-rates", note, charts.pass_rate_heatmap(columns, rows, words))


def forecast(summary: AuditSummary) -> str:
    """Amount x CRM stage probability against amount x evidence probability, per currency."""
    words = summary.context.words
    lang = words.language
    no_currency = words("common.no_currency")
    parts: list[str] = []
    rows = summary.forecast_rows()
    for currency, _ in summary.forecast_totals():
        bars = [
            charts.ForecastBar(
                words.phase(phase),
                cell.amount,
                cell.crm_weighted,
                cell.evidence_weighted,
                money(cell.amount, currency, lang),
                money(cell.crm_weighted, currency, lang),
                money(cell.evidence_weighted, currency, lang),
            )
            for phase, cur, cell in rows
            if cur == currency
        ]
        parts.append(f'<div class="currency">{escape(currency or no_currency)}</div>')
        parts.append(charts.forecast_bars(currency or no_currency, bars, words))
    by_phase = [
        [
            escape(words.phase(phase)),
            escape(currency or NO_VALUE),
            *_forecast_cells(cell, currency, lang),
        ]
        for phase, currency, cell in rows
    ]
    by_phase += [
        [
            f"<strong>{escape(words('html.forecast.all_open'))}</strong>",
            escape(currency or NO_VALUE),
            *_forecast_cells(cell, currency, lang),
        ]
        for currency, cell in summary.forecast_totals()
    ]
    headers = _headers(words, "html.col.phase", "html.col.currency", *_FORECAST_HEADERS)
    parts.append(_table(headers, by_phase, {2, 3, 4, 5, 6}))
    by_owner = [
        [
            _person(owner.name or words("common.no_owner")),
            escape(currency or NO_VALUE),
            *_forecast_cells(cell, currency, lang),
        ]
        for owner in summary.owner_rows()
        for currency, cell in owner.forecasts()
    ]
    headers = _headers(words, "html.col.owner", "html.col.currency", *_FORECAST_HEADERS)
    parts.append(_table(headers, by_owner, {2, 3, 4, 5, 6}))
    selling = words("common.separator").join(words.phase(p) for p in SELLING_PHASES)
    note = words("html.forecast.note", selling=selling)
    left_out = summary.open_without_amount
    if left_out:
        note += words("html.forecast.left_out", n=left_out)
    if not rows:
        return _section(words, "forecast", note, _empty(words))
    return _section(words, "forecast", note, *parts)


def stage_ahead(summary: AuditSummary) -> str:
    """The deals whose CRM stage is ahead of their evidence, with the gates they skipped."""
    words = summary.context.words
    rows = [
        [
            escape(d.name or d.id),
            _person(d.owner_name) if d.owner_name else NO_VALUE,
            escape(words.phase(d.phase)),
            escape(d.stage_label),
            escape(NO_VALUE if d.amount is None else money(d.amount, d.currency, words.language)),
            escape(d.rank or NO_VALUE),
            escape(percent(d.evidence_score)),
            str(d.evaluated),
            ", ".join(f"<code>{escape(g)}</code>" for g in d.skipped_gates) or NO_VALUE,
        ]
        for d in sorted(
            summary.flagged,  # the biggest first, then the furthest ahead of their evidence
            key=lambda d: (d.amount is None, -(d.amount or 0.0), -len(d.skipped_gates)),
        )
    ]
    headers = _headers(
        words,
        "html.col.deal",
        "html.col.owner",
        "html.col.phase",
        "html.col.crm_stage",
        "html.col.amount",
        "html.col.rank",
        "html.col.evidence",
        "html.col.evaluated",
        "html.col.skipped",
    )
    parts = [_table(headers, rows, {4, 6, 7})] if rows else []
    if summary.flagged_not_listed:
        more = words("html.stage_ahead.more", n=summary.flagged_not_listed)
        parts.append(f'<p class="note">{escape(more)}</p>')
    note = words("html.stage_ahead.note", n=summary.flagged_total)
    return _section(words, "stage-ahead", note, *parts)


def owners(summary: AuditSummary) -> str:
    """One row per deal owner."""
    words = summary.context.words
    rows = [
        [
            _person(o.name or words("common.no_owner"))
            + (f'<br><span class="inactive">{escape(o.status)}</span>' if o.status else ""),
            str(o.deals),
            str(o.failing_deals),
            str(o.failing_gates),
            str(o.stage_ahead),
            escape(percent(o.average_evidence_score)),
            escape(money_list([(c, f.amount) for c, f in o.forecasts()], words.language)),
        ]
        for o in summary.owner_rows()
    ]
    headers = _headers(
        words,
        "html.col.owner",
        "html.col.deals",
        "html.col.failing_deals",
        "html.col.failing_gates",
        "html.col.stage_ahead",
        "html.col.avg_evidence",
        "html.col.open_amount",
    )
    note = words("html.owners.note")
    return _section(words, "owners", note, _table(headers, rows, {1, 2, 3, 4, 5}))


def run_facts(summary: AuditSummary) -> str:
    """What the read saw: counts, unmapped stages, missing fields, deals that failed."""
    run = summary.run
    context = summary.context
    words = context.words
    facts = [
        ("html.run.deals_read", run.deals_read),
        ("html.run.deals_evaluated", run.deals_evaluated),
        ("html.run.deals_audited", summary.deals),
        ("html.run.without_phase", summary.without_phase),
        ("html.run.filtered_out", summary.filtered_out),
        ("html.run.errors", run.error_count),
    ]
    rows = [[escape(words(k)), str(v)] for k, v in facts]
    rows += [
        [escape(words("run.unmapped_stage", pipeline=pipeline, stage=stage)), str(count)]
        for (pipeline, stage), count in sorted(
            run.unmapped_stages.items(), key=lambda item: (item[0][0] or "", item[0][1])
        )
    ]
    parts = [_table(_headers(words, "", "html.col.deals"), rows, {1})]
    if run.missing_fields:
        items = "".join(f"<li>{escape(words.missing_field(m))}</li>" for m in run.missing_fields)
        parts.append(
            f'<p class="note">{escape(words("html.run.missing_fields"))}</p><ul>{items}</ul>'
        )
    filters = context.filter_text(" = ") or words("common.none")
    return _section(words, "run", words("html.run.note", crm=context.crm, filters=filters), *parts)


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
    words = context.words
    nav = "".join(f'<a href="#{i}">{escape(words(f"html.section.{i}"))}</a>' for i in SECTION_IDS)
    stamp = stamp_text(context.generated_at, words.language)
    footer_stamp = stamp if words.language != "en" else context.generated_at.isoformat()
    return _template().substitute(
        lang=words.language,
        fonts=FONTS[words.language],
        title=escape(words("html.title", crm=context.crm)),
        subtitle=escape(words("html.subtitle", deals=words.deals(summary.deals), stamp=stamp)),
        nav=nav,
        sections="\n".join(sections),
        footer=escape(words("html.footer", stamp=footer_stamp)),
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
