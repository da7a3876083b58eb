"""The terminal report: rows as they come, then the summary tables."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len

from gates.snapshot import Phase
from sync.reports import AuditSummary, RunFacts
from sync.reports.table import GAP, TableReport, column_widths, deal_lines, wrap_cells

from .builders import context, row


def test_prints_each_deal_with_owner_phase_score_failing_gates_and_findings() -> None:
    out = io.StringIO()
    report = TableReport(out)
    summary = AuditSummary(context())
    report.start(context())
    rows = [
        row("a", name="Acme [red]ERP[/red]", evidence_score=0.5),
        row("b", name="Beta", phase=Phase.DEFINE, failed=(), skipped=("budget_confirmed",)),
    ]
    for r in rows:
        summary.add(r)
        report.deal(r)
    report.finish(summary)
    text = out.getvalue()
    assert "Acme [red]ERP[/red]" in text  # CRM text is never read as markup
    assert "Aiko Tanaka" in text
    assert re.search(r"discovery\s+C\s+50%\s+2\s", text)  # phase, rank, score, gates evaluated
    assert "Rank" in text and "Evaluated" in text
    assert "decision_process_known" in text
    assert "budget_confirmed*" in text  # a skipped phase is marked
    assert "stage ahead of evidence" in text  # the finding's message
    for title in ("Deals per phase", "Gates failing most", "Per owner"):
        assert title in text
    assert "2 deals audited, 2 failing some gate, 1 with the stage ahead" in text


def test_rows_are_printed_as_deals_come_under_one_heading() -> None:
    out = io.StringIO()
    report = TableReport(out)
    report.start(context())
    report.deal(row("a", name="First deal"))
    assert "First deal" in out.getvalue()
    report.deal(row("b", name="Second deal"))
    assert "Second deal" in out.getvalue()
    report.finish(AuditSummary(context()))
    assert out.getvalue().count("Findings") == 1


def test_long_cells_wrap_inside_their_column_and_japanese_lines_up() -> None:
    widths = column_widths(100)
    lines = deal_lines(
        ["株式会社テスト 基幹システム刷新", "Aiko", "define", "C", "50%", "2", "a, b", ""],
        widths,
        frozenset({4, 5}),
    )
    assert len(lines) > 1
    owner_column = sum(widths[:1]) + len(GAP)
    first = lines[0]
    assert cell_len(first[: first.index("Aiko")]) == owner_column
    assert all(cell_len(line) <= sum(widths) + len(GAP) * 7 for line in lines)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("", 5, [""]),
        ("one two three", 7, ["one two", "three"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("株式会社テスト", 6, ["株式会", "社テス", "ト"]),
    ],
    ids=["empty", "words", "long-word", "wide-characters"],
)
def test_wrap_cells(text: str, width: int, expected: list[str]) -> None:
    assert wrap_cells(text, width) == expected


def test_says_so_when_no_deal_is_in_scope_and_reports_run_problems() -> None:
    out = io.StringIO()
    report = TableReport(out)
    summary = AuditSummary(context())
    summary.record_run(
        RunFacts(unmapped_stages={("default", "odd"): 3}, error_count=2, missing_fields=("x",))
    )
    report.start(context(owner="u1"))
    report.finish(summary)
    text = out.getvalue()
    assert "No deal in scope." in text
    assert "owner=u1" in text
    # the same wording as a run's summary, the demo and the HTML report
    assert "pipeline 'default', stage 'odd' is not in the mapping: 3 deal(s) skipped" in text
    assert "2 deal(s) could not be evaluated" in text
