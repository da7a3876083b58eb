"""Audit reports: a streaming aggregator and one writer per output format.

writer = writer_for("json", out)      # table | json | csv | html
writer.start(context); writer.deal(row) ...; writer.finish(summary)
"""

from __future__ import annotations

from typing import Literal, TextIO

from sync.reports.csv_report import CsvReport
from sync.reports.html_report import HtmlReport
from sync.reports.json_report import JsonReport
from sync.reports.model import AuditRow, GateInfo, ReportContext, ReportWriter
from sync.reports.summary import AuditSummary, RunFacts
from sync.reports.table import TableReport

Format = Literal["table", "json", "csv", "html"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv", "html")


def writer_for(fmt: Format, out: TextIO) -> ReportWriter:
    """The writer of one output format, writing to `out`."""
    writers: dict[str, type[TableReport | JsonReport | CsvReport | HtmlReport]] = {
        "table": TableReport,
        "json": JsonReport,
        "csv": CsvReport,
        "html": HtmlReport,
    }
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")
    return writers[fmt](out)


__all__ = [
    "FORMATS",
    "AuditRow",
    "AuditSummary",
    "Format",
    "GateInfo",
    "ReportContext",
    "ReportWriter",
    "RunFacts",
    "writer_for",
]
