"""The CLI end to end against the sandbox CRMs: what an operator types, what they see."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from sandbox.hubspot import HubSpotSandbox
from sandbox.salesforce import SalesforceSandbox
from sandbox.serve import sample_configs, serve

runner = CliRunner()


def _hs_config(tmp_path: Path, box: HubSpotSandbox, extra: str = "") -> Path:
    path = tmp_path / "hubspot.yaml"
    text = sample_configs(box.url, "https://unused", "", box.token)["hubspot"]
    path.write_text(text + "state: sqlite:///state.db\n" + extra)
    return path


def _sf_config(tmp_path: Path, box: SalesforceSandbox) -> Path:
    path = tmp_path / "salesforce.yaml"
    text = sample_configs("http://unused", box.url, box.ca_file, box.token)["salesforce"]
    path.write_text(text + "state: sqlite:///state.db\n")
    return path


def test_check_config_connects_to_both_sandboxes(
    tmp_path: Path, hs_sandbox: HubSpotSandbox, sf_sandbox: SalesforceSandbox
) -> None:
    for path in (_hs_config(tmp_path, hs_sandbox), _sf_config(tmp_path, sf_sandbox)):
        result = runner.invoke(app, ["check-config", "--config", str(path)])
        assert result.exit_code == 0, result.output
        assert "connected to" in result.output


def test_check_config_reports_a_missing_field_as_a_note(
    tmp_path: Path, sf_sandbox: SalesforceSandbox
) -> None:
    sf_sandbox.store.remove_field("Opportunity", "Budget_Status__c")
    result = runner.invoke(app, ["check-config", "--config", str(_sf_config(tmp_path, sf_sandbox))])
    assert result.exit_code == 0, result.output
    assert "Budget_Status__c" in result.output


def test_check_config_bad_token_exits_2(tmp_path: Path, hs_sandbox: HubSpotSandbox) -> None:
    path = _hs_config(tmp_path, hs_sandbox)
    path.write_text(path.read_text().replace("access_token: sandbox", "access_token: wrong"))
    result = runner.invoke(app, ["check-config", "--config", str(path)])
    assert result.exit_code == 2
    assert "access token" in result.output
    assert "wrong" not in result.output  # the token itself is never echoed


def test_schema_install_hubspot_dry_run_then_install_then_nothing(
    tmp_path: Path, hs_empty: HubSpotSandbox
) -> None:
    path = _hs_config(tmp_path, hs_empty)
    dry = runner.invoke(app, ["schema", "install", "--config", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dealgate_budget_status" in dry.output
    assert not hs_empty.app.writes()
    first = runner.invoke(app, ["schema", "install", "--config", str(path)])
    assert first.exit_code == 0, first.output
    assert hs_empty.app.writes()
    hs_empty.app.reset_log()
    second = runner.invoke(app, ["schema", "install", "--config", str(path)])
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    assert not hs_empty.app.writes()


def test_schema_install_salesforce_lists_the_missing_field(
    tmp_path: Path, sf_sandbox: SalesforceSandbox
) -> None:
    sf_sandbox.store.remove_field("Opportunity", "Why_Now__c")
    result = runner.invoke(
        app, ["schema", "install", "--config", str(_sf_config(tmp_path, sf_sandbox))]
    )
    assert result.exit_code == 0, result.output
    assert "Why_Now__c" in result.output


def test_run_once_dry_run_prints_the_diff_and_writes_nothing(
    tmp_path: Path, hs_sandbox: HubSpotSandbox
) -> None:
    path = _hs_config(tmp_path, hs_sandbox)
    result = runner.invoke(app, ["run", "--config", str(path), "--once", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "+ create budget_confirmed on" in result.output
    assert not hs_sandbox.app.writes()
    assert not (tmp_path / "state.db").exists()


def test_run_once_writes_tasks_then_a_second_run_writes_none(
    tmp_path: Path, sf_sandbox: SalesforceSandbox
) -> None:
    path = _sf_config(tmp_path, sf_sandbox)
    first = runner.invoke(app, ["run", "--config", str(path), "--once"])
    assert first.exit_code == 0, first.output
    created = [r for r in sf_sandbox.app.writes() if r.route == "collections.create"]
    assert created
    sf_sandbox.app.reset_log()
    # raise the cap so nothing is deferred, then the next run has nothing to create
    path.write_text(path.read_text() + "tasks: {max_new_per_owner: 1000}\n")
    runner.invoke(app, ["run", "--config", str(path), "--once"])
    sf_sandbox.app.reset_log()
    again = runner.invoke(app, ["run", "--config", str(path), "--once"])
    assert again.exit_code == 0, again.output
    assert [r for r in sf_sandbox.app.writes() if r.route == "collections.create"] == []


def test_run_unreachable_crm_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "dead.yaml"
    path.write_text(
        "crm: hubspot\nhubspot:\n  access_token: t\n  base_url: http://127.0.0.1:9\n"
        "  timeout_seconds: 2\n  retry_attempts: 2\n  max_retry_seconds: 1\n"
        "state: sqlite:///s.db\n"
    )
    result = runner.invoke(app, ["run", "--config", str(path), "--once"])
    assert result.exit_code == 2
    assert "127.0.0.1:9" in result.output or "connect" in result.output.lower()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["gates", "list"], "budget_confirmed"),
        (["gates", "list", "--lang", "ja"], "予算"),
        (["mappings", "show", "--crm", "salesforce"], "Budget_Status__c"),
        (["mappings", "show", "--crm", "hubspot"], "dealgate_budget_status"),
    ],
    ids=["gates-en", "gates-ja", "mapping-sf", "mapping-hs"],
)
def test_catalog_commands(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_sandbox_serve_prints_working_configs_and_stops(tmp_path: Path) -> None:
    lines: list[str] = []
    stop = threading.Event()
    started = threading.Event()

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            started.set()

    thread = threading.Thread(target=serve, kwargs={"echo": echo, "stop": stop}, daemon=True)
    thread.start()
    assert started.wait(10)
    config = next(line for line in lines if line.startswith("\n# hubspot configuration"))
    path = tmp_path / "served.yaml"
    path.write_text(config.split("\n", 2)[2])
    result = runner.invoke(app, ["check-config", "--config", str(path)])
    stop.set()
    thread.join(10)
    assert result.exit_code == 0, result.output
    assert not thread.is_alive()
    assert lines[-1] == "sandbox stopped"


@pytest.mark.parametrize("fmt", ["json", "csv", "html", "table"])
def test_audit_writes_the_report_and_nothing_to_the_crm(
    fmt: str, tmp_path: Path, hs_sandbox: HubSpotSandbox
) -> None:
    path = _hs_config(tmp_path, hs_sandbox)
    report = tmp_path / f"audit.{fmt}"
    result = runner.invoke(
        app, ["audit", "--config", str(path), "--format", fmt, "--output", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert report.stat().st_size > 0
    assert not hs_sandbox.app.writes()
    assert not (tmp_path / "state.db").exists()


def test_audit_strict_exits_1_on_failing_gates(
    tmp_path: Path, sf_sandbox: SalesforceSandbox
) -> None:
    path = _sf_config(tmp_path, sf_sandbox)
    result = runner.invoke(app, ["audit", "--config", str(path), "--format", "json", "--strict"])
    assert result.exit_code == 1
    assert '"schema_version"' in result.output


def test_audit_rejects_an_unknown_format(tmp_path: Path, hs_sandbox: HubSpotSandbox) -> None:
    path = _hs_config(tmp_path, hs_sandbox)
    result = runner.invoke(app, ["audit", "--config", str(path), "--format", "xml"])
    assert result.exit_code == 2
