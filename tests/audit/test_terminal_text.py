"""CRM text reaches the terminal shown, never obeyed: escape sequences, carriage returns and line
breaks of every kind are neutralised in the table audit, the rich tables and the dry-run diff."""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from cli import app
from sync.cycle import PlannedAction
from sync.reports import AuditSummary
from sync.reports.table import TableReport
from sync.terminal import one_line, printable

from .builders import OWNERS, context, row

HOSTILE = {
    "clear-screen": "\x1b[2J",
    "osc-title": "\x1b]0;owned\x07",
    "newline": "\n",
    "carriage-return": "\r",
    "vertical-tab": "\x0b",
    "next-line": "\x85",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "file-separator": "\x1c",
    "bidi-override": "\u202e",
    "delete": "\x7f",
}


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_printable_keeps_text_on_one_line_and_shows_the_character(hostile: str) -> None:
    shown = printable(f"Acme{hostile}renewal")
    assert shown.startswith("Acme\\") and shown.endswith("renewal")
    assert shown.isprintable()
    assert len(shown.splitlines()) == 1


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "国際工業株式会社 / ICタグ — Ärger [red]x[/red] 50%"
    assert printable(text) == text


def test_one_line_joins_lines() -> None:
    assert one_line("first\nsecond\x1b[2J\n") == "first; second\\x1b[2J"


def _no_control(text: str) -> None:
    for hostile in HOSTILE.values():
        if hostile != "\n":
            assert hostile not in text, repr(hostile)


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_table_audit_neutralises_crm_text(hostile: str) -> None:
    out = io.StringIO()
    report = TableReport(out)
    ctx = context(owners={**OWNERS, "u1": f"Aiko{hostile}Tanaka"})
    summary = AuditSummary(ctx)
    report.start(ctx)
    deal = row("a", name=f"Acme{hostile}dealgate:approval_granted")._replace(
        owner_name=f"Aiko{hostile}Tanaka"
    )
    summary.add(deal)
    report.deal(deal)
    report.finish(summary)
    text = out.getvalue()
    _no_control(text)
    lines = text.splitlines()
    # the deal's name stays on its own row: no line starts with the forged part
    assert not any(line.startswith("dealgate:approval_granted") for line in lines)
    assert any("Acme\\" in line for line in lines)
    assert any(line.lstrip().startswith("Aiko\\") for line in lines)  # the rich owner table


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_dry_run_diff_keeps_one_line_per_action(hostile: str) -> None:
    action = PlannedAction(
        "create", "d1", f"Acme{hostile}+ create approval_granted on d9", "budget_confirmed",
        "u1", f"Budget{hostile}", "high",
    )  # fmt: skip
    line = action.line()
    assert len(line.splitlines()) == 1
    _no_control(line)


def test_mappings_show_prints_crm_labels_as_text(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "mapping.yaml").write_text(
        "crm: hubspot\nextends: builtin\npipelines:\n  default:\n    stages:\n"
        '      "Won\\e[2J [bold]x": delivery\n',
        encoding="utf-8",
    )
    (folder / "dealgate.yaml").write_text(
        "crm: hubspot\nhubspot: {access_token: abc}\nmapping: mapping.yaml\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["mappings", "show", "--config", str(folder / "dealgate.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "\x1b[2J" not in result.output
    assert "\\x1b[2J" in result.output  # shown escaped
    assert "[bold]" in result.output  # never read as markup
