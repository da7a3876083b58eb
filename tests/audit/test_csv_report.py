"""The CSV report: what a spreadsheet user gets."""

from __future__ import annotations

import csv
import io

from gates.snapshot import Phase
from sync.reports import AuditSummary
from sync.reports.csv_report import COLUMNS, CsvReport

from .builders import context, row


def render(*rows: object) -> str:
    out = io.StringIO(newline="")
    report = CsvReport(out)
    report.start(context())
    for r in rows:
        report.deal(r)  # type: ignore[arg-type]
    report.finish(AuditSummary(context()))
    return out.getvalue()


def records(text: str) -> list[dict[str, str]]:
    body = text.encode("utf-8").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_starts_with_a_bom_and_a_header_row() -> None:
    text = render()
    assert text.startswith("\ufeff")
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    assert text[1:].splitlines()[0].split(",") == list(COLUMNS)


def test_one_row_per_failing_gate_and_none_for_passing_deals() -> None:
    text = render(
        row("a", passed=(), failed=("budget_confirmed", "decision_process_known"), rank="D"),
        row("b", failed=()),
        row("c", phase=Phase.DEFINE, failed=("approval_requested",), skipped=("budget_confirmed",)),
    )
    got = [(r["deal_id"], r["gate_id"], r["skipped_phase"]) for r in records(text)]
    assert got == [
        ("a", "budget_confirmed", "false"),
        ("a", "decision_process_known", "false"),
        ("c", "approval_requested", "false"),
        ("c", "budget_confirmed", "true"),
    ]
    first = records(text)[0]
    assert first["gate_title"] == "Budget confirmed"
    assert first["owner_name"] == "Aiko Tanaka"
    assert first["amount"] == "1000.0" and first["currency"] == "USD"
    assert first["reasons"] == "budget_confirmed missing"
    assert first["phase"] == "discovery" and first["evidence_score"] == "0.5"
    assert (first["rank"], first["gates_evaluated"]) == ("D", "2")
    assert text.count("\r\n") == 5  # RFC 4180 line ends: header + 4 rows


def test_a_won_deal_has_no_rank() -> None:
    [record] = records(render(row("w", phase=Phase.DELIVERY, rank=None)))
    assert record["rank"] == "" and record["gates_evaluated"] == "2"


def test_japanese_text_survives_the_round_trip_through_excel_encoding() -> None:
    text = render(row("j", name="株式会社テスト 基幹システム刷新"))
    raw = text.encode("utf-8")
    decoded = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert decoded[0]["deal_name"] == "株式会社テスト 基幹システム刷新"


def test_text_that_looks_like_a_formula_is_not_run_by_a_spreadsheet() -> None:
    text = render(row("x", name='=HYPERLINK("http://evil.example","click")'))
    [record] = records(text)
    assert record["deal_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert record["deal_id"] == "x"


def test_commas_quotes_and_newlines_in_names_stay_in_their_cell() -> None:
    text = render(row("q", name='Big, "quoted"\nname'))
    [record] = records(text)
    assert record["deal_name"] == 'Big, "quoted"\nname'
