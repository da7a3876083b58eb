"""Generated docs and the starter file stay true to the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from sync import docgen

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(docgen.GENERATED))
def test_generated_doc_is_current(name: str) -> None:
    committed = (docgen.DOCS / name).read_text(encoding="utf-8")
    assert committed == docgen.GENERATED[name](), (
        f"docs/{name} is stale: run `python -m sync.docgen` and commit the result"
    )


def test_configuration_doc_lists_every_task_key() -> None:
    text = docgen.configuration_md()
    for key in ("tasks.snooze_days", "tasks.max_new_per_owner", "salesforce.auth.method"):
        assert f"`{key}`" in text


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_init_output_passes_check_config(crm: str, tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    result = runner.invoke(app, ["init", "--crm", crm, "--output", str(path)])
    assert result.exit_code == 0, result.output
    env = {"HUBSPOT_ACCESS_TOKEN": "pat-x", "SF_USERNAME": "ops@x", "SF_CONSUMER_KEY": "3MV"}
    check = runner.invoke(app, ["check-config", "--config", str(path), "--offline"], env=env)
    assert check.exit_code == 0, check.output
    assert f"crm: {crm}" in path.read_text()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    path.write_text("mine\n")
    result = runner.invoke(app, ["init", "--crm", "hubspot", "--output", str(path)])
    assert result.exit_code == 2
    assert path.read_text() == "mine\n"
    forced = runner.invoke(app, ["init", "--crm", "hubspot", "--output", str(path), "--force"])
    assert forced.exit_code == 0
    assert path.read_text().startswith("# dealgate configuration")


def test_init_for_salesforce_writes_the_login_that_renews_itself(tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    assert runner.invoke(app, ["init", "--crm", "salesforce", "--output", str(path)]).exit_code == 0
    text = path.read_text()
    assert "    method: jwt" in text and "method: session" not in text
    for other in ("session_id", "password", "security_token", "client_id", "client_secret"):
        assert f"    # {other}: " in text  # the other methods' keys, commented, ready to switch
