"""The CLI's contract: exit codes and messages (docs/design.md section 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("dealgate ")


def test_check_config_valid_offline(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("crm: hubspot\nhubspot: {access_token: abc}\n")
    result = runner.invoke(app, ["check-config", "--config", str(path), "--offline"])
    assert result.exit_code == 0, result.output
    assert "configuration is valid" in result.output


def test_check_config_lists_all_three_problems_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "crm: hubspot\n"
        "hubspot:\n  access_token: ${DEALGATE_TEST_UNSET_TOKEN}\n"
        "tasks:\n  due_in_days: soon\n  colour: red\n"
    )
    # A real process: stderr separate from stdout, no traceback.
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "check-config", "--config", str(path), "--offline"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "hubspot.access_token: environment variable DEALGATE_TEST_UNSET_TOKEN" in proc.stderr
    assert "tasks.due_in_days:" in proc.stderr
    assert "tasks.colour: unknown key" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check-config", "--config", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2


def test_gates_list_with_a_bad_mapping_file_exits_2_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    path.write_text("crm: hubspot\nhubspot: {access_token: abc}\nmapping: nowhere.yaml\n")
    result = runner.invoke(app, ["gates", "list", "--config", str(path)])
    assert result.exit_code == 2
    assert "cannot read the mapping file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_flags_show_no_value_placeholder_in_help() -> None:
    for command in (["run", "--help"], ["audit", "--help"], ["--help"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0
        assert "<bool>" not in result.output
    assert "--once " in runner.invoke(app, ["run", "--help"]).output


def test_gates_list_never_cuts_an_id_off_a_terminal() -> None:
    result = runner.invoke(app, ["gates", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    for gate_id in ("proposal_and_quote_prepared", "proposal_presented_to_key_person"):
        assert gate_id in result.output
    assert "…" not in result.output


def test_gates_list_as_json_and_csv() -> None:
    listed = json.loads(runner.invoke(app, ["gates", "list", "--format", "json"]).output)
    assert len(listed) == 32 and listed[1] == {
        "id": "scope_confirmed",
        "phase": "discovery",
        "title": "Project scope confirmed (what the customer has in mind)",
        "enabled": True,
    }
    lines = runner.invoke(app, ["gates", "list", "-f", "csv", "--lang", "ja"]).output.splitlines()
    assert lines[0] == "id,phase,title,enabled" and len(lines) == 33
    assert lines[2].startswith("scope_confirmed,discovery,プロジェクト実施内容を確認")
