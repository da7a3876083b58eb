"""A CRM answer of the wrong shape, or a connection set up wrong: one line, exit 2, on both CRMs.

`audit` and `run --once` go through `cli.main` (the console script), so what is asserted is what
an operator sees: the exit code, one `dealgate: error:` line naming the request or the address,
and no traceback, `--debug` included (it adds the traceback, never another exit code).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.http import Fault
from sandbox.hubspot import HubSpotSandbox
from sandbox.salesforce import SalesforceSandbox
from tests.cli.cli_main import hubspot_config, run_main, salesforce_config

# An answer that lacks its records altogether is a question of its own (what an empty read
# means); these are answers whose records cannot be read at all.
COMMON = {"a-list": b"[1, 2]", "null": b"null", "a-number": b"42"}
HUBSPOT_SHAPES = {
    **COMMON,
    "results-a-string": b'{"results": "oops"}',
    "results-of-strings": b'{"results": ["oops"]}',
}
SALESFORCE_SHAPES = {
    **COMMON,
    "records-a-string": b'{"records": "oops", "done": true, "totalSize": 1}',
    "records-of-numbers": b'{"records": [1], "done": true, "totalSize": 1}',
}


@pytest.mark.parametrize("command", [["audit"], ["run", "--once"]], ids=["audit", "run"])
@pytest.mark.parametrize("body", list(HUBSPOT_SHAPES.values()), ids=list(HUBSPOT_SHAPES))
def test_hubspot_answer_of_the_wrong_shape_is_one_line_naming_the_request(
    tmp_path: Path,
    hs_sandbox: HubSpotSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    body: bytes,
) -> None:
    config = hubspot_config(tmp_path, hs_sandbox)
    hs_sandbox.app.inject("POST", r"/crm/v3/objects/deals/search$", Fault(200, body))
    outcome = run_main([*command, "--config", str(config)], monkeypatch, capsys)
    assert outcome.code == 2, outcome.stderr
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "unexpected answer from HubSpot to deals search" in outcome.error_lines[0]
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("command", [["audit"], ["run", "--once"]], ids=["audit", "run"])
@pytest.mark.parametrize("body", list(SALESFORCE_SHAPES.values()), ids=list(SALESFORCE_SHAPES))
def test_salesforce_answer_of_the_wrong_shape_is_one_line_naming_the_request(
    tmp_path: Path,
    sf_sandbox: SalesforceSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    body: bytes,
) -> None:
    config = salesforce_config(tmp_path, sf_sandbox)
    sf_sandbox.app.inject("GET", r"/query/?$", Fault(200, body))
    outcome = run_main([*command, "--config", str(config)], monkeypatch, capsys)
    assert outcome.code == 2, outcome.stderr
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "unexpected answer from Salesforce to query on OpportunityStage" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_debug_adds_the_traceback_but_keeps_exit_code_2(
    tmp_path: Path,
    hs_sandbox: HubSpotSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = hubspot_config(tmp_path, hs_sandbox)
    hs_sandbox.app.inject("POST", r"/crm/v3/objects/deals/search$", Fault(200, b"[]"))
    outcome = run_main(["--debug", "audit", "--config", str(config)], monkeypatch, capsys)
    assert outcome.code == 2
    assert "Traceback" in outcome.stderr
    assert outcome.stderr.rstrip().splitlines()[-1].startswith("dealgate: error: unexpected")


def test_debug_keeps_exit_code_2_for_a_refused_token(
    tmp_path: Path,
    hs_sandbox: HubSpotSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = hubspot_config(tmp_path, hs_sandbox)
    config.write_text(config.read_text().replace("access_token: sandbox", "access_token: wrong"))
    outcome = run_main(["--debug", "audit", "--config", str(config)], monkeypatch, capsys)
    assert outcome.code == 2
    assert "HubSpot refused the access token" in outcome.error_lines[-1]


@pytest.mark.parametrize("command", [["audit"], ["check-config"], ["run", "--once"]])
def test_https_base_url_on_a_plain_http_server_names_the_key_and_is_not_retried(
    tmp_path: Path,
    hs_sandbox: HubSpotSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    https = hs_sandbox.url.replace("http://", "https://")
    config = tmp_path / "hubspot.yaml"
    config.write_text(
        f"crm: hubspot\nhubspot: {{access_token: {hs_sandbox.token}, base_url: '{https}'}}\n"
        "state: sqlite:///state.db\n"
    )
    outcome = run_main([*command, "--config", str(config)], monkeypatch, capsys)
    assert outcome.code == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "hubspot.base_url" in outcome.stderr
    assert https in outcome.stderr
    assert "retry" not in outcome.stderr  # a configuration error is not retried
