"""The CSV audit report: one row per (deal, failing gate), for spreadsheets.

Decisions, for the people who open it:
- UTF-8 with a byte order mark, always: Excel reads a BOM-less CSV in the machine's legacy code
  page and turns Japanese deal names into mojibake; with the BOM it reads UTF-8. Other tools
  (pandas `encoding="utf-8-sig"`, LibreOffice, Python's csv) read it fine.
- Rows end with CRLF (RFC 4180, Python's csv default); a header row comes first.
- Deals that fail no gate have no row. A deal with three failing gates has three rows.
- Text cells that begin with `=`, `+`, `-`, `@`, tab or carriage return get a leading `'`, so a
  spreadsheet shows a CRM text such as `=HYPERLINK(...)` instead of running it (CSV injection).
- `rank` is the 確度 rank A-D (empty for a won deal); `gates_evaluated` the gates the evidence
  score stands on.
- Numbers are plain (`1250000.0`, `0.45`); reasons are joined with "; "; dates are ISO
  (`2026-12-31`), in every language, so that a spreadsheet sorts them.
- Headers, phases, gate titles, reasons and yes/no follow the report's language
  (`csv.*` in sync/i18n); ids, gate ids and currency codes do not.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sync.i18n import Words
from sync.reports.model import AuditRow, ReportContext
from sync.reports.summary import AuditSummary

BOM = "\ufeff"
COLUMNS: tuple[str, ...] = (  # the English headers; other languages: `csv.<column>`
    "deal_id",
    "deal_name",
    "owner_id",
    "owner_name",
    "pipeline",
    "stage",
    "phase",
    "amount",
    "currency",
    "close_date",
    "crm_probability",
    "evidence_score",
    "gates_evaluated",
    "rank",
    "gate_id",
    "gate_title",
    "gate_phase",
    "skipped_phase",
    "reasons",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None) -> str:
    return "" if value is None else repr(round(value, 4))


class CsvReport:
    """Writes the header at start and the deal's rows as each deal comes."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._writer = csv.writer(out)
        self._context: ReportContext | None = None
        self._words = Words("en")

    def start(self, context: ReportContext) -> None:
        """Write the byte order mark and the header row."""
        self._context = context
        self._words = words = context.words
        self._out.write(BOM)
        self._writer.writerow([words(f"csv.{column}") for column in COLUMNS])

    def deal(self, row: AuditRow) -> None:
        """Write one row per failing gate of the deal."""
        failing = row.failing
        if not failing:
            return
        snapshot, evaluation = row.snapshot, row.evaluation
        context = self._context
        words = self._words
        deal_cells = (
            safe_text(snapshot.id),
            safe_text(snapshot.name),
            safe_text(snapshot.owner_id or ""),
            safe_text(row.owner_name),
            safe_text(snapshot.pipeline or ""),
            safe_text(snapshot.stage_label or snapshot.stage),
            words.phase(evaluation.phase),
            "" if snapshot.amount is None else repr(snapshot.amount),
            safe_text(snapshot.currency or ""),
            snapshot.close_date.isoformat() if snapshot.close_date else "",
            _number(snapshot.stage_probability),
            _number(evaluation.evidence_score),
            str(evaluation.evaluated),
            evaluation.rank or "",
        )
        self._writer.writerows(
            (
                *deal_cells,
                result.gate_id,
                safe_text(context.gate_title(result.gate_id) if context else result.gate_id),
                words.phase(result.phase),
                words("csv.true" if result.skipped_phase else "csv.false"),
                safe_text("; ".join(result.reasons_in(words.language))),
            )
            for result in failing
        )

    def finish(self, summary: AuditSummary) -> None:
        """Nothing to add: a spreadsheet has no place for a summary."""
