"""Generated docs and the starter file stay true to the code."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from cli import app
from connector.settings import HubSpotAuth, SalesforceAuth
from sync import docgen
from sync.config import load_settings

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
    env = {"HUBSPOT_SERVICE_KEY": "key-x", "SF_CONSUMER_KEY": "3MVG9x"}
    check = runner.invoke(app, ["check-config", "--config", str(path), "--offline"], env=env)
    assert check.exit_code == 0, check.output
    assert f"crm: {crm}" in path.read_text()


@pytest.mark.parametrize(
    ("crm", "method", "model"),
    [("hubspot", "service_key", HubSpotAuth), ("salesforce", "jwt", SalesforceAuth)],
)
def test_init_signs_in_the_recommended_way_and_shows_the_others(
    crm: str, method: str, model: type[BaseModel], tmp_path: Path
) -> None:
    path = tmp_path / "dealgate.yaml"
    assert runner.invoke(app, ["init", "--crm", crm, "--output", str(path)]).exit_code == 0
    text = path.read_text()
    env = {"HUBSPOT_SERVICE_KEY": "key-x", "SF_CONSUMER_KEY": "3MVG9x"}
    settings = load_settings(path, env=env)
    auth = settings.hubspot.auth if crm == "hubspot" else settings.salesforce.auth
    assert auth is not None and auth.method == method
    for name, info in model.model_fields.items():
        legacy = isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("legacy")
        if not legacy:
            assert f"{name}:" in text, f"{crm}.auth.{name} missing from the starter file"
    others = typing.get_args(model.model_fields["method"].annotation)
    for other in others:
        assert f"method: {other}" in text


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    path.write_text("mine\n")
    result = runner.invoke(app, ["init", "--crm", "hubspot", "--output", str(path)])
    assert result.exit_code == 2
    assert path.read_text() == "mine\n"
    forced = runner.invoke(app, ["init", "--crm", "hubspot", "--output", str(path), "--force"])
    assert forced.exit_code == 0
    assert path.read_text().startswith("# dealgate configuration")
