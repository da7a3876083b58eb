"""The tenants folder of `dealgate serve`, `dealgate tenants status`, the N-replica example."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from psycopg_pool import ConnectionPool
from typer.testing import CliRunner

from cli import app
from state.leases import LeaseBook
from state.postgres_schema import migrate
from sync.tenants import load_tenants

URL = "postgresql://dealgate@db:5432/dealgate"
GOOD = "crm: hubspot\nhubspot: {access_token: tok-123456}\npoll_interval_seconds: 30\n"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deploy" / "kubernetes-tenants.yaml"


def test_every_yaml_file_is_a_tenant_named_by_its_stem_and_broken_ones_are_set_aside(
    tmp_path: Path,
) -> None:
    (tmp_path / "acme.yaml").write_text(GOOD)
    (tmp_path / "globex_2.yaml").write_text(GOOD.replace("30", "60"))
    (tmp_path / "notes.txt").write_text("not a tenant")
    (tmp_path / "bad-key.yaml").write_text(GOOD + "tasks: {due_in_days: -1}\n")
    (tmp_path / "bad id.yaml").write_text(GOOD)
    (tmp_path / "own-state.yaml").write_text(GOOD + "state: sqlite:///x.db\n")
    (tmp_path / "bad-gates.yaml").write_text(GOOD + "gates: [missing.yaml]\n")
    found = load_tenants(tmp_path, URL)
    assert [(t.id, t.settings.poll_interval_seconds) for t in found.tenants] == [
        ("acme", 30), ("globex_2", 60),
    ]  # fmt: skip
    assert all(t.settings.state == URL for t in found.tenants)
    problems = {path.name: " ".join(lines) for path, lines in found.broken.items()}
    assert sorted(problems) == ["bad id.yaml", "bad-gates.yaml", "bad-key.yaml", "own-state.yaml"]
    assert "tasks.due_in_days" in problems["bad-key.yaml"]
    assert "tenant id" in problems["bad id.yaml"]
    assert "share its --state" in problems["own-state.yaml"]
    assert "missing.yaml" in problems["bad-gates.yaml"]


def test_serve_refuses_a_sqlite_state_and_a_folder_without_tenants(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["serve", "--tenants", str(tmp_path), "--state", "sqlite:///x"])
    assert result.exit_code == 2 and "PostgreSQL state" in result.output
    result = runner.invoke(app, ["serve", "--tenants", str(tmp_path), "--state", URL])
    assert result.exit_code == 2 and "no usable tenant file" in result.output


def test_tenants_status_shows_holders_last_cycles_and_errors(postgres_url: str) -> None:
    with ConnectionPool(postgres_url, min_size=1, kwargs={"autocommit": True}) as pool:
        with pool.connection() as conn:
            migrate(conn, "test")
        book = LeaseBook(pool, "pod-a:7:abc", 60)
        book.heartbeat()
        book.register(["acme", "globex"])
        [lease] = book.acquire(["acme"], 1)
        book.record_cycle(lease, "failed", "HubSpot refused\x1b[2J the token", 60)
    result = CliRunner().invoke(app, ["tenants", "status", "--state", postgres_url])
    assert result.exit_code == 0, result.output
    header, acme, globex, workers = result.output.splitlines()
    assert header.split()[:3] == ["tenant", "holder", "epoch"]
    assert acme.split()[:3] == ["acme", "pod-a:7:abc", "1"] and "failed" in acme
    assert "HubSpot refused\\x1b[2J the token" in acme  # CRM text cannot drive the terminal
    assert globex.split()[:3] == ["globex", "(none)", "0"]
    assert workers == "live workers (1): pod-a:7:abc"


def test_tenants_status_of_a_state_without_workers_says_so(postgres_url: str) -> None:
    result = CliRunner().invoke(app, ["tenants", "status", "--state", postgres_url])
    assert result.exit_code == 2 and "holds no tenants" in result.output


def test_the_replicas_example_runs_serve_with_probes_a_budget_and_valid_tenants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = {d["kind"]: d for d in yaml.safe_load_all(EXAMPLE.read_text())}
    assert {"ConfigMap", "Secret", "Deployment", "PodDisruptionBudget"} <= set(documents)
    pod = documents["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"][0] == "serve" and documents["Deployment"]["spec"]["replicas"] > 1
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert "DEALGATE_STATE" in documents["Secret"]["stringData"]
    secrets = documents["Secret"]["stringData"]
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    for name, text in documents["ConfigMap"]["data"].items():
        (tmp_path / name).write_text(text)
    found = load_tenants(tmp_path, secrets["DEALGATE_STATE"])
    assert found.broken == {} and len(found.tenants) == 2
