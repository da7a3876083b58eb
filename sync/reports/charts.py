"""Inline SVG charts for the HTML report: pure functions from numbers to markup.

No script, no external font or image: the charts render the same offline. Every label passes
through `html.escape` (SVG text is XML), and every mark carries a `<title>` with exact numbers,
which browsers show on hover.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sync.i18n import Words

PHASE_COLORS = ("#4e79a7", "#59a14f", "#f28e2b", "#76b7b2", "#9c755f")
AMOUNT_COLOR = "#c9d3df"
CRM_COLOR = "#4e79a7"
EVIDENCE_COLOR = "#e15759"
NOT_APPLICABLE = "#ffffff"  # drawn with a dashed outline and a dash: visibly not a grey cell
NOT_APPLICABLE_EDGE = "#9a9a9a"
NOT_EVALUATED = "#bdbdbd"


def deals(count: int, words: Words | None = None) -> str:
    """`1 deal`, `2 deals` (`3件`): a count of deals for people."""
    return (words or Words("en")).deals(count)


def text_width(text: str, size: float = 11.0) -> float:
    """About how wide `text` is drawn at `size` px: CJK characters are square, Latin ones about
    0.6 of the size. Enough to place legend items one after another in any language."""
    wide = sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")
    return wide * size + (len(text) - wide) * size * 0.6


def _not_applicable(x: float, y: float, w: float, h: float, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
        f'fill="{NOT_APPLICABLE}" stroke="{NOT_APPLICABLE_EDGE}" stroke-dasharray="3 3">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}">'
        f"<title>{escape(tip)}</title></rect>"
    )


@dataclass(frozen=True, slots=True)
class FunnelStep:
    label: str
    deals: int
    detail: str  # amounts, already formatted


def funnel(steps: Sequence[FunnelStep], words: Words | None = None) -> str:
    """The phase funnel: one centered bar per phase, its width the phase's share of deals."""
    row, bar_area, left, width = 46, 420, 130, 980
    words = words or Words("en")
    most = max((s.deals for s in steps), default=0) or 1
    body: list[str] = []
    for i, step in enumerate(steps):
        y = i * row + 6
        w = max(step.deals / most * bar_area, 3.0)
        x = left + (bar_area - w) / 2
        color = PHASE_COLORS[i % len(PHASE_COLORS)]
        body.append(_text(left - 12, y + 23, step.label, anchor="end", cls="label"))
        if not step.deals:  # no bar to draw: say so rather than show a sliver
            body.append(_text(left + 4, y + 23, words("chart.funnel.none"), cls="detail"))
            continue
        tip = words("chart.funnel.tip", phase=step.label, deals=words.deals(step.deals))
        body.append(_rect(x, y, w, row - 12, color, tip))
        body.append(_text(left + bar_area + 16, y + 17, words.deals(step.deals), cls="value"))
        body.append(_text(left + bar_area + 16, y + 33, step.detail, cls="detail"))
    return _svg(width, len(steps) * row + 6, words("chart.funnel"), body)


def rate_color(rate: float) -> str:
    """Red at 0, amber at 0.5, green at 1: the fill of a pass-rate cell."""
    low, mid, high = (215, 48, 39), (254, 224, 139), (26, 152, 80)
    share = min(max(rate, 0.0), 1.0)
    start, end, t = (low, mid, share * 2) if share < 0.5 else (mid, high, (share - 0.5) * 2)
    r, g, b = (round(a + (z - a) * t) for a, z in zip(start, end, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True, slots=True)
class HeatCell:
    passed: int
    failed: int
    not_evaluated: int

    @property
    def rate(self) -> float | None:
        evaluated = self.passed + self.failed
        return self.passed / evaluated if evaluated else None


@dataclass(frozen=True, slots=True)
class HeatRow:
    gate_id: str
    group: int  # index of the gate's phase, for the colored stripe
    cells: tuple[HeatCell | None, ...]  # one per column; None: the gate does not apply there


def pass_rate_heatmap(
    columns: Sequence[str], rows: Sequence[HeatRow], words: Words | None = None
) -> str:
    """Gate pass rates by deal phase: one row per gate, one column per phase, % in each cell."""
    words = words or Words("en")
    label_w, cell_w, cell_h, top = 290, 104, 22, 30
    legend_y = top + len(rows) * cell_h + 14
    legend, legend_end = _heatmap_legend(legend_y, words)
    width = max(label_w + cell_w * len(columns) + 4, LEGEND_WIDTH, round(legend_end) + 8)
    body = [
        _text(label_w + cell_w * i + cell_w / 2, 20, name, anchor="middle", cls="label")
        for i, name in enumerate(columns)
    ]
    for r, row in enumerate(rows):
        y = top + r * cell_h
        stripe = PHASE_COLORS[row.group % len(PHASE_COLORS)]
        body.append(_rect(0, y + 2, 5, cell_h - 4, stripe, row.gate_id))
        body.append(_text(label_w - 8, y + 15, row.gate_id, anchor="end", cls="gate"))
        for c, cell in enumerate(row.cells):
            x = label_w + c * cell_w
            if cell is None:
                tip = words("chart.rates.not_applicable", gate=row.gate_id, phase=columns[c])
                body.append(_not_applicable(x + 2, y + 2, cell_w - 4, cell_h - 4, tip))
                body.append(_text(x + cell_w / 2, y + 15, "–", anchor="middle", cls="cell"))
                continue
            rate = cell.rate
            tip = words(
                "chart.rates.cell",
                gate=row.gate_id,
                phase=columns[c],
                passed=cell.passed,
                failed=cell.failed,
                not_evaluated=cell.not_evaluated,
            )
            fill = NOT_EVALUATED if rate is None else rate_color(rate)
            body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill, tip))
            shown = words("chart.rates.not_eval") if rate is None else f"{rate * 100:.0f}%"
            body.append(_text(x + cell_w / 2, y + 15, shown, anchor="middle", cls="cell"))
    body += legend
    return _svg(width, legend_y + 24, words("chart.rates"), body)


LEGEND_WIDTH = 760  # the heatmap is at least this wide, and as wide as its legend


def _heatmap_legend(y: float, words: Words) -> tuple[list[str], float]:
    """Which cell is which: pass-rate colours, not evaluated (grey), does not apply (dashed)."""
    parts: list[str] = []
    x = 0.0
    for rate in (0.0, 0.5, 1.0):
        tip = words("chart.legend.pass", rate=f"{rate * 100:.0f}%")
        parts.append(_rect(x, y, 22, 16, rate_color(rate), tip))
        x += 24
    rates = words("chart.legend.rates")
    parts.append(_text(x + 4, y + 12, rates, cls="legend"))
    x += max(190, text_width(rates) + 28)
    not_evaluated = words("chart.legend.not_evaluated")
    parts.append(_rect(x, y, 22, 16, NOT_EVALUATED, words("chart.legend.not_evaluated_tip")))
    parts.append(_text(x + 28, y + 12, not_evaluated, cls="legend"))
    x += max(230, text_width(not_evaluated) + 52)
    parts.append(_not_applicable(x, y, 22, 16, words("chart.legend.not_applicable_tip")))
    parts.append(_text(x + 11, y + 12, "–", anchor="middle", cls="cell"))
    parts.append(_text(x + 28, y + 12, words("chart.legend.not_applicable"), cls="legend"))
    end = x + 28 + text_width(words("chart.legend.not_applicable"))
    return parts, end


@dataclass(frozen=True, slots=True)
class ForecastBar:
    label: str
    amount: float
    crm: float
    evidence: float
    amount_text: str
    crm_text: str
    evidence_text: str


def forecast_bars(currency: str, bars: Sequence[ForecastBar], words: Words | None = None) -> str:
    """Per phase, three bars on one scale: open amount, CRM forecast, evidence-weighted amount."""
    words = words or Words("en")
    amount, crm, evidence = (
        words("chart.forecast.amount"),
        words("chart.forecast.crm"),
        words("chart.forecast.evidence"),
    )
    label_w, bar_area, bar_h, group_h, top = 110, 560, 14, 58, 28
    width = label_w + bar_area + 240
    most = max((b.amount for b in bars), default=0.0) or 1.0
    crm_legend = words("chart.forecast.crm_legend")
    second = label_w + max(130, text_width(amount) + 40)
    third = second + max(250, text_width(crm_legend) + 40)
    body = [
        _rect(label_w, 6, 12, 12, AMOUNT_COLOR, amount),
        _text(label_w + 18, 16, amount, cls="detail"),
        _rect(second, 6, 12, 12, CRM_COLOR, crm),
        _text(second + 18, 16, crm_legend, cls="detail"),
        _rect(third, 6, 12, 12, EVIDENCE_COLOR, evidence),
        _text(third + 18, 16, evidence, cls="detail"),
    ]
    for i, bar in enumerate(bars):
        y = top + i * group_h
        body.append(_text(label_w - 10, y + 26, bar.label, anchor="end", cls="label"))
        for j, (value, color, text, name) in enumerate(
            (
                (bar.amount, AMOUNT_COLOR, bar.amount_text, amount),
                (bar.crm, CRM_COLOR, bar.crm_text, crm),
                (bar.evidence, EVIDENCE_COLOR, bar.evidence_text, evidence),
            )
        ):
            w = max(value / most * bar_area, 1.0)
            by = y + j * (bar_h + 2)
            tip = words("chart.forecast.tip", phase=bar.label, name=name, value=text)
            body.append(_rect(label_w, by, w, bar_h, color, tip))
            body.append(_text(label_w + w + 6, by + 11, text, cls="detail"))
    height = top + len(bars) * group_h
    return _svg(width, height, words("chart.forecast", currency=currency), body)
