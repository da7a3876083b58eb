"""Bad configuration: one line naming the key, exit 2, no secret echoed, no number that overflows
later. What an operator sees through `cli.main`, plus the loaders' own errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connector.errors import ConfigurationError
from connector.salesforce import SalesforceConnector
from sync.config import ConfigError, parse_settings
from sync.starter import iter_keys
from tests.cli.cli_main import run_main

HUBSPOT = "crm: hubspot\nhubspot: {access_token: abc}\n"
BAD_KEY = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"


def _problems(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "dealgate.yaml", env=env or {})
    return caught.value.problems


# -- files that are not UTF-8 -----------------------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dealgate.yaml"
    path.write_bytes(HUBSPOT.encode() + b"# caf\xe9 in Latin-1\n")
    outcome = run_main(["check-config", "--offline", "--config", str(path)], monkeypatch, capsys)
    assert outcome.code == 2
    assert "not UTF-8" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_mapping_file_that_is_not_utf8_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mapping.yaml").write_bytes(b"crm: hubspot\nextends: builtin\n# \xff\xfe\n")
    path = tmp_path / "dealgate.yaml"
    path.write_text(HUBSPOT + "mapping: mapping.yaml\n")
    outcome = run_main(["check-config", "--offline", "--config", str(path)], monkeypatch, capsys)
    assert outcome.code == 2
    assert "mapping.yaml: the mapping file is not UTF-8" in outcome.stderr
    assert "Traceback" not in outcome.stderr


# -- files the connection settings name -------------------------------------------------------


def _salesforce(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "salesforce.yaml"
    path.write_text(
        "crm: salesforce\n"
        "salesforce:\n  instance_url: https://127.0.0.1:9\n" + extra + "state: sqlite:///s.db\n"
    )
    return path


@pytest.mark.parametrize("command", [["check-config", "--offline"], ["check-config"], ["audit"]])
def test_a_ca_bundle_that_does_not_exist_names_the_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    path = _salesforce(
        tmp_path, "  auth: {method: session, session_id: abc}\n  ca_bundle: missing-ca.pem\n"
    )
    outcome = run_main([*command, "--config", str(path)], monkeypatch, capsys)
    assert outcome.code == 2, outcome.stdout + outcome.stderr
    assert "salesforce.ca_bundle: no such file" in outcome.stderr
    assert "missing-ca.pem" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def _jwt(tmp_path: Path) -> Path:
    (tmp_path / "key.pem").write_text(BAD_KEY)
    return _salesforce(
        tmp_path,
        "  auth: {method: jwt, username: u@example.com, consumer_key: k, "
        "private_key_file: key.pem}\n",
    )


def test_check_config_offline_refuses_a_malformed_jwt_private_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run_main(
        ["check-config", "--offline", "--config", str(_jwt(tmp_path))], monkeypatch, capsys
    )
    assert outcome.code == 2
    assert "salesforce.auth.private_key_file" in outcome.stderr
    assert "not a usable private key" in outcome.stderr


def test_run_stops_on_a_malformed_jwt_private_key_as_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run_main(["run", "--once", "--config", str(_jwt(tmp_path))], monkeypatch, capsys)
    assert outcome.code == 2
    assert len(outcome.error_lines) == 1
    assert "refused the cycle" in outcome.error_lines[0]  # terminal: the daemon stops
    assert "salesforce.auth.private_key_file" in outcome.error_lines[0]
    assert "Traceback" not in outcome.stderr


def test_a_malformed_jwt_private_key_is_not_retried(tmp_path: Path) -> None:
    from sync.config import load_settings

    settings = load_settings(_jwt(tmp_path))
    waits: list[float] = []
    connector = SalesforceConnector(settings.salesforce, sleep=waits.append)
    with pytest.raises(ConfigurationError, match="private_key_file"):
        connector.stages()
    assert waits == []  # no backoff: a configuration error is not transient


# -- audit -o ---------------------------------------------------------------------------------


def test_audit_output_to_a_directory_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sandbox import hubspot
    from tests.cli.cli_main import hubspot_config

    with hubspot.start(seed="demo") as box:
        config = hubspot_config(tmp_path, box)
        outcome = run_main(
            ["audit", "--config", str(config), "-o", str(tmp_path)], monkeypatch, capsys
        )
    assert outcome.code == 2
    assert outcome.error_lines == [
        f"dealgate: error: --output: {tmp_path} is a directory; give a file name"
    ]
    assert "Traceback" not in outcome.stderr


# -- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("poll_interval_seconds: 100000000000\n", "poll_interval_seconds"),
        ("tasks: {due_in_days: 100000000}\n", "tasks.due_in_days"),
        ("tasks: {snooze_days: 1000000000}\n", "tasks.snooze_days"),
        ("full_rescan_hours: 1e300\n", "full_rescan_hours"),
        (
            "hubspot: {access_token: abc, lookback_minutes: 99999999999}\n",
            "hubspot.lookback_minutes",
        ),
        (
            "gates: {overrides: {key_person_recent_contact: "
            "{params: {within_days: 10000000000}}}}\n",
            "within_days",
        ),
    ],
)
def test_numbers_out_of_their_range_are_refused_at_load(yaml_text: str, key: str) -> None:
    text = "crm: hubspot\n" + ("" if "hubspot:" in yaml_text else "hubspot: {access_token: abc}\n")
    try:
        settings = parse_settings(text + yaml_text, "dealgate.yaml", env={})
    except ConfigError as exc:
        assert any(key in problem for problem in exc.problems), exc.problems
        return
    # gate params are validated with the catalog
    from gates import GateConfigError
    from sync.checks import load_method

    with pytest.raises(GateConfigError) as caught:
        load_method(settings)
    assert any(key in problem for problem in caught.value.problems)


def test_every_number_in_the_settings_has_an_upper_bound() -> None:
    numbers = [k for k in iter_keys() if re.search(r"\b(int|float)\b", k.type)]
    assert numbers
    unbounded = [k.path for k in numbers if " to " not in k.bounds]
    assert unbounded == []


# -- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section",
    [
        "hubspot: {access_token: 73914205586}",
        "hubspot: {access_token: abc, client_secret: 73914205586}",
        "hubspot: {access_token: abc, refresh_token: [73914205586]}",
        "salesforce: {auth: {method: password, username: u, password: 73914205586}}",
        "salesforce: {auth: {method: password, username: u, password: p, "
        "security_token: 73914205586}}",
        "salesforce: {auth: {method: session, session_id: 73914205586.5}}",
    ],
)
def test_a_secret_field_of_the_wrong_type_is_not_echoed(section: str) -> None:
    crm = "salesforce" if section.startswith("salesforce") else "hubspot"
    problems = _problems(f"crm: {crm}\n{section}\n")
    assert problems
    assert not any("73914205586" in p for p in problems), problems


def test_an_environment_value_in_a_field_of_the_wrong_type_is_not_echoed() -> None:
    problems = _problems(
        "crm: hubspot\nhubspot:\n  access_token: ${TOKEN}\n  requests_per_10s: ${TOKEN}\n",
        env={"TOKEN": "pat-na1-3f2a9c"},
    )
    assert any("hubspot.requests_per_10s" in p for p in problems)
    assert not any("pat-na1-3f2a9c" in p for p in problems), problems
    assert any("value not shown" in p for p in problems)


def test_other_wrong_values_are_still_quoted() -> None:
    problems = _problems(HUBSPOT + "tasks: {due_in_days: soon}\n")
    assert any("'soon'" in p for p in problems)
