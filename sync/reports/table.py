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

from sync.evaluate import unmapped_stage_text
from sync.reports.model import AuditRow, ReportContext
from sync.reports.numbers import NO_VALUE, money_list, percent
from sync.reports.summary import AuditSummary
from sync.terminal import printable

FILE_WIDTH = 160  # when the output is not a terminal (a file, a pipe)
SKIPPED_MARK = "*"
GAP = "  "
# (title, fixed width or None, share of the remaining width)
_COLUMNS: tuple[tuple[str, int | None, int], ...] = (
    ("Deal", None, 3),
    ("Owner", None, 2),
    ("Phase", 11, 0),
    ("Evidence", 8, 0),
    ("Failing gates", None, 4),
    ("Findings", None, 4),
)


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

    def start(self, context: ReportContext) -> None:
        """Print the audit's title line and the column headings."""
        filters = ", ".join(f"{k}={v}" for k, v in context.filters.items() if v is not None)
        title = f"dealgate audit: {context.crm}, {context.generated_at:%Y-%m-%d %H:%M} UTC"
        heading_text = title + (f" ({filters})" if filters else "")
        self._console.print(Text(printable(heading_text), style="bold"))
        heading = deal_lines([name for name, _, _ in _COLUMNS], self._widths, frozenset({3}))
        rule = GAP.join("─" * width for width in self._widths)
        self._out.write("\n".join([*heading, rule]) + "\n")

    def deal(self, row: AuditRow) -> None:
        """Print one deal (plain text: CRM text is never read as markup)."""
        failing = ", ".join(
            r.gate_id + (SKIPPED_MARK if r.skipped_phase else "") for r in row.failing
        )
        cells = [
            row.snapshot.name or row.snapshot.id,
            row.owner_name or NO_VALUE,
            row.evaluation.phase.value,
            percent(row.evaluation.evidence_score),
            failing or NO_VALUE,
            "; ".join(f.message for f in row.evaluation.findings),
        ]
        cells = [printable(cell) for cell in cells]  # CRM text: shown, never obeyed
        self._out.write("\n".join(deal_lines(cells, self._widths, frozenset({3}))) + "\n")
        self._deals += 1

    def finish(self, summary: AuditSummary) -> None:
        """Print the last block and the summary."""
        console = self._console
        if not self._deals:
            console.print("No deal in scope.")
        else:
            console.print(f"{SKIPPED_MARK} a gate of an earlier phase: the stage is ahead of it.")
        console.print()
        console.print(
            Text(
                f"{summary.deals} deals audited, {summary.failing_deals} failing some gate, "
                f"{summary.flagged_total} with the stage ahead of the evidence.",
                style="bold",
            )
        )
        console.print(self._phases(summary))
        console.print(self._top_gates(summary))
        console.print(self._owners(summary))
        for line in _run_lines(summary):
            console.print(Text(printable(line), style="yellow"))

    @staticmethod
    def _phases(summary: AuditSummary) -> Table:
        table = Table(title="Deals per phase", box=box.SIMPLE_HEAD, title_justify="left")
        for name in ("Phase", "Deals", "Failing", "Stage ahead", "Avg evidence", "Amount"):
            table.add_column(name, justify="left" if name in {"Phase", "Amount"} else "right")
        for p in summary.phase_rows():
            table.add_row(
                p.phase.value,
                str(p.deals),
                str(p.failing_deals),
                str(p.stage_ahead),
                percent(p.average_evidence_score),
                money_list(p.currencies()),
            )
        return table

    @staticmethod
    def _top_gates(summary: AuditSummary) -> Table:
        table = Table(title="Gates failing most", box=box.SIMPLE_HEAD, title_justify="left")
        for name in ("Gate", "Phase", "Failed", "Pass rate", "Title"):
            table.add_column(name, justify="right" if name in {"Failed", "Pass rate"} else "left")
        for g in summary.top_failing():
            table.add_row(
                g.gate_id,
                g.phase.value,
                str(g.failed),
                percent(g.pass_rate()),
                Text(printable(summary.context.gate_title(g.gate_id))),
            )
        return table

    @staticmethod
    def _owners(summary: AuditSummary) -> Table:
        table = Table(title="Per owner", box=box.SIMPLE_HEAD, title_justify="left")
        columns = (
            "Owner",
            "Deals",
            "Failing deals",
            "Failing gates",
            "Stage ahead",
            "Avg evidence",
        )
        for name in columns:
            table.add_column(name, justify="left" if name == "Owner" else "right")
        for o in summary.owner_rows():
            table.add_row(
                Text(printable(o.name or "(no owner)"))
                + (Text(f" ({printable(o.status)})") if o.status else Text()),
                str(o.deals),
                str(o.failing_deals),
                str(o.failing_gates),
                str(o.stage_ahead),
                percent(o.average_evidence_score),
            )
        return table


def _run_lines(summary: AuditSummary) -> list[str]:
    """Warnings about the run itself: unmapped stages, missing fields, deals that failed."""
    run = summary.run
    lines = [
        unmapped_stage_text(pipeline, stage, count)
        for (pipeline, stage), count in run.unmapped_stages.items()
    ]
    lines += [f"missing field: {line}" for line in run.missing_fields]
    if run.error_count:
        lines.append(f"{run.error_count} deal(s) could not be evaluated (see the log)")
    return lines
