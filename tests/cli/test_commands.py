"""The CLI end to end against the sandbox CRMs: what an operator types, what they see."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from connector.errors import UnexpectedAnswer
from sandbox.http import Request, Response
from sandbox.hubspot import HubSpotSandbox
from sandbox.salesforce import SalesforceSandbox
from sandbox.serve import sample_configs, serve

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


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


def test_run_unreachable_crm_exits_2_with_one_line_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "dead.yaml"
    path.write_text(
        "crm: hubspot\nhubspot:\n  access_token: t\n  base_url: http://127.0.0.1:9\n"
        "  timeout_seconds: 2\n  retry_attempts: 2\n  max_retry_seconds: 1\n"
        "state: sqlite:///s.db\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "--log-level",
            "error",
            "run",
            "--config",
            str(path),
            "--once",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("dealgate: error:")]
    assert len(errors) == 1
    assert "127.0.0.1" in errors[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


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

    kwargs = {"echo": echo, "stop": stop, "ca_dir": tmp_path / "ca"}
    thread = threading.Thread(target=serve, kwargs=kwargs, daemon=True)
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
    text = report.read_text(encoding="utf-8-sig")
    expected = {
        "json": '"schema_version"',
        "csv": "deal_id,deal_name",
        "html": 'id="funnel"',
        "table": "budget_confirmed",
    }[fmt]
    assert expected in text
    if fmt == "json":
        assert json.loads(text)["summary"]["deals_read"] == 40  # the demo portal's deals
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


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_sandbox_serve_command_runs_until_ctrl_c() -> None:
    proc = _start(["sandbox", "serve", "--token", "s3cret-token"])
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    printed = "".join(lines) + out
    assert "HubSpot sandbox:    http://127.0.0.1:" in printed
    assert "Salesforce sandbox: https://127.0.0.1:" in printed
    assert "access_token: s3cret-token" in printed
    assert printed.rstrip().endswith("sandbox stopped")


def test_run_daemon_loops_until_sigterm_and_exits_0(
    tmp_path: Path, hs_sandbox: HubSpotSandbox
) -> None:
    path = _hs_config(tmp_path, hs_sandbox, "poll_interval_seconds: 3600\n")
    cycle_done = threading.Event()
    hs_sandbox.app.observers.append(
        lambda r: cycle_done.set() if r.route == "tasks.batch_create" else None
    )
    proc = _start(["run", "--config", str(path)])
    assert cycle_done.wait(60)  # the first cycle runs at start and writes its tasks
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert '"event": "daemon_stop"' in err
    assert (tmp_path / "state.db").exists()


def test_demo_command_against_the_salesforce_sandbox() -> None:
    result = runner.invoke(app, ["demo", "--crm", "salesforce"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "against the salesforce sandbox" in result.output
    assert "Tasks created per owner" in result.output


def test_mappings_show_with_a_config_applies_its_mapping_file(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "crm: hubspot\nextends: builtin\npipelines:\n  renewals:\n    stages:\n"
        "      renewal_won: delivery\n"
    )
    path = tmp_path / "dealgate.yaml"
    path.write_text("crm: hubspot\nhubspot: {access_token: t}\nmapping: mapping.yaml\n")
    result = runner.invoke(app, ["mappings", "show", "--config", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "renewal_won" in result.output
    assert "appointmentscheduled" in result.output  # the builtin part it extends


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{}", None), (b'{"total": 4, "results": []}', None), (b'{"total": 0, "results": []}', 1)],
    ids=["empty-object", "empty-page-total-4", "no-deals"],
)
def test_audit_strict_never_passes_on_a_bad_or_empty_read(
    tmp_path: Path, hs_sandbox: HubSpotSandbox, body: bytes, code: int | None
) -> None:
    def empty(request: Request) -> Response | None:
        return Response(200, body) if request.path.endswith("/deals/search") else None

    hs_sandbox.app.before.insert(0, empty)
    path = _hs_config(tmp_path, hs_sandbox)
    result = runner.invoke(app, ["audit", "--config", str(path), "--format", "json", "--strict"])
    hs_sandbox.app.before.remove(empty)
    if code is None:  # an error naming the request, which main() turns into exit 2
        assert isinstance(result.exception, UnexpectedAnswer), result.output
        assert "deals search" in str(result.exception)
    else:
        assert result.exit_code == code


def test_check_config_names_mapped_stages_and_pipelines_the_crm_lacks(
    tmp_path: Path, hs_sandbox: HubSpotSandbox
) -> None:
    mapping = tmp_path / "renewals.yaml"
    mapping.write_text(
        "crm: hubspot\nextends: builtin\npipelines:\n"
        "  renewals: {stages: {renewal_identifed: discovery}}\n"
        "  renewalz: {stages: {renewal_quoted: decision}}\n"
    )
    path = _hs_config(tmp_path, hs_sandbox, f"mapping: {mapping}\n")
    result = runner.invoke(app, ["check-config", "--config", str(path)])
    assert result.exit_code == 2
    assert "configuration is valid" not in result.output
    assert (
        "mapping: pipeline 'renewals', stage 'renewal_identifed' is not in the CRM "
        "(did you mean 'renewal_identified'?)" in result.output
    )
    assert "mapping: pipeline 'renewalz' is not in the CRM (did you mean 'renewals'?)" in (
        result.output
    )
    # the CRM's stages no mapping names are listed too
    assert "pipeline 'renewals', stage 'renewal_won' is not in the mapping" in result.output


def test_lang_ja_on_the_command_line_speaks_japanese(
    tmp_path: Path, hs_sandbox: HubSpotSandbox
) -> None:
    path = _hs_config(tmp_path, hs_sandbox)
    dry = runner.invoke(app, ["run", "--config", str(path), "--once", "--dry-run", "--lang", "ja"])
    assert dry.exit_code == 0, dry.output
    assert "+ 作成 budget_confirmed 案件" in dry.output and "[dealgate] 予算" in dry.output
    assert any(line.startswith("ドライラン: 作成予定のタスク") for line in dry.output.splitlines())
    report = tmp_path / "audit.html"
    audit = runner.invoke(
        app, ["audit", "--config", str(path), "-f", "html", "-o", str(report), "--lang", "ja"]
    )
    assert audit.exit_code == 0, audit.output
    assert '<html lang="ja">' in report.read_text(encoding="utf-8")
    listing = runner.invoke(app, ["gates", "list", "--config", str(path), "-f", "csv"])
    assert "予算" not in listing.output  # the configuration says nothing: English
    path.write_text(path.read_text() + "language: ja\n")
    listing = runner.invoke(app, ["gates", "list", "--config", str(path), "-f", "csv"])
    assert "予算を確保していること" in listing.output
    bad = runner.invoke(app, ["audit", "--config", str(path), "--lang", "fr"])
    assert bad.exit_code == 2


def test_schema_install_in_japanese_labels_the_fields_as_the_tasks_name_them(
    tmp_path: Path, hs_empty: HubSpotSandbox, sf_sandbox: SalesforceSandbox
) -> None:
    path = _hs_config(tmp_path, hs_empty)
    path.write_text(path.read_text() + "language: ja\n")
    result = runner.invoke(app, ["schema", "install", "--config", str(path)])
    assert result.exit_code == 0, result.output
    props = hs_empty.store.properties["deals"]
    assert props["dealgate_budget_status"].label == "予算ステータス"  # the tasks' word for it
    assert props["dealgate_approval_status"].label == "稟議ステータス"
    assert props["dealgate_next_step"].label == "dealgate 次の手順"
    # values and association labels stay as they are: mappings and readers match them
    assert [value for value, _ in props["dealgate_budget_status"].options] == [
        "unknown",
        "estimated",
        "confirmed",
    ]
    sf_sandbox.store.remove_field("Opportunity", "Why_Now__c")
    sf_path = _sf_config(tmp_path, sf_sandbox)
    sf_path.write_text(sf_path.read_text() + "language: ja\n")
    listed = runner.invoke(app, ["schema", "install", "--config", str(sf_path)])
    assert listed.exit_code == 0, listed.output
    assert "Why_Now__c" in listed.output and "なぜ今" in listed.output
