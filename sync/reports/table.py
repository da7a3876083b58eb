"""The terminal audit report: one row per deal as deals come, then the summary tables.

Deal rows are plain fixed-width text, printed the moment each deal is evaluated: the columns
span the console (160 cells off a terminal), long cells wrap inside their column, and widths are
measured in terminal cells so Japanese names line up. Rendering them with rich tables cost
milliseconds per deal; this costs microseconds. CRM text is never read as rich markup: a deal
called "[red]Acme" shows exactly that. The summary tables at the end are rich tables.
"""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sync.i18n import Words
from sync.i18n.formats import stamp_text
from sync.reports.model import AuditRow, ReportContext
from sync.reports.numbers import NO_VALUE, money_list, percent
from sync.reports.summary import AuditSummary
from sync.terminal import printable

FILE_WIDTH = 160  # when the output is not a terminal (a file, a pipe)
SKIPPED_MARK = "*"
GAP = "  "
# (catalog key of the title, fixed width or None, share of the remaining width)
_COLUMNS: tuple[tuple[str, int | None, int], ...] = (
    ("table.col.deal", None, 3),
    ("table.col.owner", None, 2),
    ("table.col.phase", 11, 0),
    ("table.col.rank", 6, 0),
    ("table.col.evidence", 8, 0),
    ("table.col.evaluated", 9, 0),
    ("table.col.failing", None, 4),
    ("table.col.findings", None, 4),
)
_RIGHT = frozenset({4, 5})  # the evidence score and the gates evaluated, right-aligned


def column_widths(total: int) -> list[int]:
    """Widths of the deal columns for a console `total` cells wide (at least 6 cells each)."""
    fixed = sum(width or 0 for _, width, _ in _COLUMNS) + len(GAP) * (len(_COLUMNS) - 1)
    shares = sum(share for _, _, share in _COLUMNS)
    free = max(total - fixed, 6 * shares)
    return [width or max(6, free * share // shares) for _, width, share in _COLUMNS]


def wrap_cells(text: str, width: int) -> list[str]:
    """Word-wrap `text` to `width` terminal cells (CJK characters take two); [""] when empty."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = cell_len(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        if size <= width:
            line, used = word, size
            continue
        *full, line = chop_cells(word, width)  # a word wider than the column is cut
        lines.extend(full)
        used = cell_len(line)
    if line or not lines:
        lines.append(line)
    return lines


def deal_lines(cells: list[str], widths: list[int], right: frozenset[int]) -> list[str]:
    """One deal as text lines: each cell wrapped in its column, columns padded to their width."""
    wrapped = [wrap_cells(cell, width) for cell, width in zip(cells, widths, strict=True)]
    height = max(len(column) for column in wrapped)
    lines = []
    for i in range(height):
        parts = []
        for c, (column, width) in enumerate(zip(wrapped, widths, strict=True)):
            piece = column[i] if i < len(column) else ""
            pad = " " * max(width - cell_len(piece), 0)
            parts.append(pad + piece if c in right else piece + pad)
        lines.append(GAP.join(parts).rstrip())
    return lines


class TableReport:
    """Prints each deal as it comes, then deals per phase, the gates failing most and owners."""

    def __init__(self, out: TextIO) -> None:
        width = None if out.isatty() else FILE_WIDTH
        self._out = out
        self._console = Console(file=out, width=width, highlight=False, soft_wrap=False)
        self._widths = column_widths(self._console.width)
        self._deals = 0
        self._words = Words("en")

    def start(self, context: ReportContext) -> None:
        """Print the audit's title line and the column headings."""
        words = self._words = context.words
        filters = context.filter_text("=")
        stamp = stamp_text(context.generated_at, context.language)
        title = words("table.title", crm=context.crm, stamp=stamp)
        heading_text = title + (f" ({filters})" if filters else "")
        self._console.print(Text(printable(heading_text), style="bold"))
        heading = deal_lines([words(key) for key, _, _ in _COLUMNS], self._widths, _RIGHT)
        rule = GAP.join("─" * width for width in self._widths)
        self._out.write("\n".join([*heading, rule]) + "\n")

    def deal(self, row: AuditRow) -> None:
        """Print one deal (plain text: CRM text is never read as markup)."""
        failing = ", ".join(
            r.gate_id + (SKIPPED_MARK if r.skipped_phase else "") for r in row.failing
        )
        words = self._words
        cells = [
            row.snapshot.name or row.snapshot.id,
            row.owner_name or NO_VALUE,
            words.phase(row.evaluation.phase),
            row.evaluation.rank or NO_VALUE,
            percent(row.evaluation.evidence_score),
            str(row.evaluation.evaluated),
            failing or NO_VALUE,
            "; ".join(words.finding(f) for f in row.evaluation.findings),
        ]
        cells = [printable(cell) for cell in cells]  # CRM text: shown, never obeyed
        self._out.write("\n".join(deal_lines(cells, self._widths, _RIGHT)) + "\n")
        self._deals += 1

    def finish(self, summary: AuditSummary) -> None:
        """Print the last block and the summary."""
        console = self._console
        words = summary.context.words
        if not self._deals:
            console.print(words("table.no_deal"))
        else:
            console.print(words("table.skipped_legend", mark=SKIPPED_MARK))
        console.print()
        totals = words(
            "table.totals",
            deals=summary.deals,
            failing=summary.failing_deals,
            flagged=summary.flagged_total,
        )
        console.print(Text(totals, style="bold"))
        console.print(self._phases(summary))
        console.print(self._top_gates(summary))
        console.print(self._owners(summary))
        for line in run_lines(summary):
            console.print(Text(printable(line), style="yellow"))

    @staticmethod
    def _phases(summary: AuditSummary) -> Table:
        words = summary.context.words
        table = Table(title=words("table.phases"), box=box.SIMPLE_HEAD, title_justify="left")
        keys = (
            "table.col.phase",
            "table.phases.deals",
            "table.phases.failing",
            "table.stage_ahead",
            "table.avg_evidence",
            "table.amount",
        )
        for key in keys:
            left = key in {"table.col.phase", "table.amount"}
            table.add_column(words(key), justify="left" if left else "right")
        for p in summary.phase_rows():
            table.add_row(
                words.phase(p.phase),
                str(p.deals),
                str(p.failing_deals),
                str(p.stage_ahead),
                percent(p.average_evidence_score),
                money_list(p.currencies(), words.language),
            )
        return table

    @staticmethod
    def _top_gates(summary: AuditSummary) -> Table:
        words = summary.context.words
        table = Table(title=words("table.top_gates"), box=box.SIMPLE_HEAD, title_justify="left")
        keys = (
            "table.top_gates.gate",
            "table.col.phase",
            "table.top_gates.failed",
            "table.top_gates.pass_rate",
            "table.top_gates.title",
        )
        for key in keys:
            right = key in {"table.top_gates.failed", "table.top_gates.pass_rate"}
            table.add_column(words(key), justify="right" if right else "left")
        for g in summary.top_failing():
            table.add_row(
                g.gate_id,
                words.phase(g.phase),
                str(g.failed),
                percent(g.pass_rate()),
                Text(printable(summary.context.gate_title(g.gate_id))),
            )
        return table

    @staticmethod
    def _owners(summary: AuditSummary) -> Table:
        words = summary.context.words
        table = Table(title=words("table.owners"), box=box.SIMPLE_HEAD, title_justify="left")
        keys = (
            "table.col.owner",
            "table.phases.deals",
            "table.owners.failing_deals",
            "table.owners.failing_gates",
            "table.stage_ahead",
            "table.avg_evidence",
        )
        for key in keys:
            table.add_column(words(key), justify="left" if key == "table.col.owner" else "right")
        for o in summary.owner_rows():
            table.add_row(
                Text(printable(o.name or words("common.no_owner")))
                + (Text(f" ({printable(o.status)})") if o.status else Text()),
                str(o.deals),
                str(o.failing_deals),
                str(o.failing_gates),
                str(o.stage_ahead),
                percent(o.average_evidence_score),
            )
        return table


def run_lines(summary: AuditSummary) -> list[str]:
    """Warnings about the run itself: unmapped stages, missing fields, deals that failed."""
    run = summary.run
    words = summary.context.words
    lines = [
        words("run.unmapped_stage", pipeline=pipeline, stage=stage, deals=count)
        for (pipeline, stage), count in run.unmapped_stages.items()
    ]
    lines += [
        words("run.missing_field", line=words.missing_field(line)) for line in run.missing_fields
    ]
    if run.error_count:
        lines.append(words("run.errors", n=run.error_count))
    return lines
