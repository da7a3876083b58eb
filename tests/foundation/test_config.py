"""The configuration file: validation, `${VAR}` expansion, error lines with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config import ConfigError, load_settings, parse_settings

VALID = """\
crm: hubspot
hubspot:
  access_token: ${HS_TOKEN}
  base_url: http://127.0.0.1:8080
tasks:
  due_in_days: 5
  language: ja
state: sqlite:///state/dealgate.db
"""


def test_valid_file_loads_with_env_values_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "dealgate.yaml"
    path.write_text(VALID)
    settings = load_settings(path, env={"HS_TOKEN": "pat-na1-secret"})
    assert settings.crm == "hubspot"
    assert settings.hubspot.access_token is not None
    assert settings.hubspot.access_token.get_secret_value() == "pat-na1-secret"
    assert settings.tasks.due_in_days == 5
    assert settings.tasks.snooze_days == 14  # default from docs/design.md section 6
    assert settings.tasks.max_new_per_owner == 10
    assert settings.poll_interval_seconds == 60


def test_secret_is_not_shown_by_repr() -> None:
    settings = parse_settings(VALID, env={"HS_TOKEN": "pat-na1-secret"})
    assert "pat-na1-secret" not in repr(settings)
    assert settings.secrets() == ["pat-na1-secret"]


def test_state_path_resolves_against_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "dealgate.yaml"
    path.parent.mkdir()
    path.write_text(VALID)
    settings = load_settings(path, env={"HS_TOKEN": "x"})
    assert settings.state_path == tmp_path / "conf" / "state" / "dealgate.db"


@pytest.mark.parametrize(
    ("value", "env", "expected"),
    [
        ("${A}", {"A": "1"}, "1"),
        ("${A:-fallback}", {}, "fallback"),
        ("${A:-}", {}, ""),
        ("x-${A}-${B:-b}", {"A": "a"}, "x-a-b"),
    ],
    ids=["set", "default", "empty-default", "inline"],
)
def test_env_expansion(value: str, env: dict[str, str], expected: str) -> None:
    text = f"crm: hubspot\nhubspot:\n  access_token: t\n  client_id: '{value}'\n"
    assert parse_settings(text, env=env).hubspot.client_id == expected


def test_every_problem_reported_at_once_with_key_paths_and_lines() -> None:
    text = """\
crm: hubspot
hubspot:
  access_token: ${MISSING_TOKEN}
  colour: blue
tasks:
  due_in_days: soon
"""
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, source="d.yaml", env={})
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("d.yaml:3: hubspot.access_token: environment variable")
    assert "MISSING_TOKEN" in problems[0]
    assert problems[1] == "d.yaml:4: hubspot.colour: unknown key"
    assert problems[2].startswith("d.yaml:6: tasks.due_in_days: ")
    assert "'soon'" in problems[2]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("crm: pipedrive\n", "crm: Input should be 'hubspot' or 'salesforce'"),
        ("crm: hubspot\n", "hubspot.auth is required"),
        ("crm: salesforce\n", "salesforce.instance_url is required"),
        (
            "crm: salesforce\nsalesforce:\n  instance_url: https://x\n  auth: {method: jwt}\n",
            "auth method 'jwt' needs username, consumer_key, private_key_file",
        ),
        ("crm: hubspot\nhubspot: {access_token: t}\ntasks: {mode: maybe}\n", "tasks.mode"),
        ("- just\n- a list\n", "must be a mapping"),
        ("crm: [unclosed\n", "not valid YAML"),
    ],
    ids=["bad-crm", "no-token", "no-instance", "jwt-incomplete", "bad-mode", "list", "yaml"],
)
def test_invalid_files_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, env={})
    assert any(fragment in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("gates", "files"),
    [
        ("builtin", []),
        ("my-gates.yaml", ["my-gates.yaml"]),
        (["a.yaml", "b.yaml"], ["a.yaml", "b.yaml"]),
    ],
    ids=["builtin", "one-path", "paths"],
)
def test_gates_shorthands(gates: object, files: list[str]) -> None:
    text = f"crm: hubspot\nhubspot: {{access_token: t}}\ngates: {gates!r}\n".replace("'", '"')
    settings = parse_settings(text, env={})
    assert settings.gates.files == files
    assert settings.gates.builtin is True


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "nope.yaml")
    assert "cannot read the configuration file" in caught.value.problems[0]


def test_connection_file_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "dealgate.yaml"
    path.parent.mkdir()
    path.write_text(
        "crm: salesforce\n"
        "salesforce:\n"
        "  instance_url: https://example.my.salesforce.com\n"
        "  ca_bundle: certs/proxy-ca.pem\n"
        "  auth: {method: jwt, username: u, consumer_key: k, private_key_file: keys/sf.pem}\n"
    )
    sf = load_settings(path, env={}).salesforce
    assert sf.ca_bundle == str(tmp_path / "conf" / "certs" / "proxy-ca.pem")
    assert sf.auth.private_key_file == str(tmp_path / "conf" / "keys" / "sf.pem")


def test_a_state_store_other_than_sqlite_or_postgresql_is_refused_when_loading() -> None:
    with pytest.raises(ConfigError) as refused:
        text = VALID.replace("sqlite:///state/dealgate.db", "mysql://dealgate:hunter2@db/dealgate")
        parse_settings(text, env={"HS_TOKEN": "x"})
    assert refused.value.problems == [
        "<config>:8: state: unsupported state store 'mysql://dealgate:***@db/dealgate' "
        "(expected sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE)"
    ]


def test_a_postgresql_state_is_a_url_and_its_password_a_secret() -> None:
    url = "postgresql://dealgate:hunter2@db.internal:5432/dealgate"
    text = VALID.replace("sqlite:///state/dealgate.db", "${DATABASE_URL}")
    settings = parse_settings(text, env={"HS_TOKEN": "pat-na1-x", "DATABASE_URL": url})
    assert settings.state_location == url
    assert "hunter2" in settings.secrets()


BASE = "crm: hubspot\nhubspot: {access_token: t}\n"


def test_one_language_for_everything_tasks_included() -> None:
    settings = parse_settings(BASE + "language: ja\n", env={})
    assert (settings.language, settings.tasks.language) == ("ja", "ja")
    settings = parse_settings(BASE + "language: ja\ntasks: {due_in_days: 2}\n", env={})
    assert (settings.language, settings.tasks.language) == ("ja", "ja")
    assert parse_settings(BASE, env={}).language == "en"


def test_tasks_language_overrides_the_language_for_tasks_only() -> None:
    settings = parse_settings(BASE + "language: ja\ntasks: {language: en}\n", env={})
    assert (settings.language, settings.tasks.language) == ("ja", "en")
    settings = parse_settings(BASE + "tasks: {language: ja}\n", env={})
    assert (settings.language, settings.tasks.language) == ("en", "ja")


def test_lang_on_the_command_line_overrides_both() -> None:
    settings = parse_settings(BASE + "language: en\ntasks: {language: en}\n", env={})
    japanese = settings.in_language("ja")
    assert (japanese.language, japanese.tasks.language) == ("ja", "ja")
    assert settings.in_language(None) is settings


def test_a_bad_language_is_one_problem_at_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE + "language: jp\n", env={})
    assert len(caught.value.problems) == 1
    assert "language: Input should be 'en' or 'ja'" in caught.value.problems[0]


def test_the_starter_file_leaves_tasks_language_to_follow_language() -> None:
    from sync.starter import starter_config

    text = starter_config("hubspot")
    assert "\nlanguage: en\n" in text and "  # language: en\n" in text
    edited = text.replace("\nlanguage: en\n", "\nlanguage: ja\n")
    settings = parse_settings(edited, env={"HUBSPOT_SERVICE_KEY": "k"})
    assert settings.tasks.language == "ja"
