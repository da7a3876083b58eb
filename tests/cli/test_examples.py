"""The files under examples/ are valid, and do what their comments say."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from gates.snapshot import Phase
from sync.checks import load_method
from sync.config import load_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENV = {"HUBSPOT_SERVICE_KEY": "key-x", "SF_CONSUMER_KEY": "key"}


@pytest.mark.parametrize("name", ["hubspot.yaml", "salesforce.yaml"])
def test_example_config_passes_check_config(name: str) -> None:
    result = CliRunner().invoke(
        app, ["check-config", "--config", str(EXAMPLES / name), "--offline"], env=ENV
    )
    assert result.exit_code == 0, result.output


def test_hubspot_example_maps_the_renewals_pipeline_and_adds_a_gate() -> None:
    settings = load_settings(EXAMPLES / "hubspot.yaml", env=ENV)
    mapping, catalog = load_method(settings)
    assert mapping.stage_phase("renewals", "renewal_quoted") == (True, Phase.DECISION)
    assert mapping.stage_phase("default", "closedwon") == (True, Phase.DELIVERY)  # still there
    assert catalog.get("champion_identified").phase is Phase.DEFINE
    assert catalog.get("key_person_in_touch").params["within_days"] == 60
    assert not catalog.get("competition_known").enabled
