"""Every loader of a YAML document (configuration, mapping, gate file, sandbox seed) either works or
raises its own error type, whatever the text; and none expands an alias bomb.

Random text and random YAML data (dumped from random JSON-like values, often shaped like the
real files) go to each loader. Example counts are modest and derandomized (tests/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.loader import parse_gates
from mappings import MappingError
from mappings.loader import parse_mapping
from sandbox import hubspot as hubspot_sandbox
from sandbox import salesforce as salesforce_sandbox
from sandbox.hubspot.seed import load as load_hubspot_seed
from sandbox.hubspot.store import HubSpotStore
from sandbox.salesforce.seed import load_records
from sandbox.salesforce.store import SalesforceStore
from sandbox.seedfile import SeedError, parse_yaml, read_seed_file
from sandbox.serve import load_seed
from sync.config import ConfigError, parse_settings

KEYS = [
    "crm", "hubspot", "salesforce", "access_token", "tasks", "due_in_days", "gates", "files",
    "overrides", "mapping", "state", "metrics", "port", "extends", "builtin", "fields",
    "pipelines", "stages", "default", "id", "kind", "phase", "params", "title", "en",
    "owners", "deals", "contacts", "key", "properties", "Opportunity", "User", "Name", "ref",
    "labels", "schema", "poll_interval_seconds", "within_days",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
    | st.sampled_from(["hubspot", "salesforce", "builtin", "discovery", "${X}", "@now-3d"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=20,
)
documents = st.one_of(
    st.text(max_size=200),
    values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
)
PROPERTY = settings(max_examples=80, deadline=None)


def _config(text: str) -> None:
    with suppress(ConfigError):  # its own error type, nothing else
        parse_settings(text, "dealgate.yaml", env={})


def _mapping(text: str) -> None:
    with suppress(MappingError):  # its own error type, nothing else
        parse_mapping(text, "mapping.yaml")


def _gates(text: str) -> None:
    _, problems = parse_gates(text, "gates.yaml")  # problems are returned, never raised
    assert all(isinstance(p, str) for p in problems)


def _hubspot_seed(text: str) -> None:
    with suppress(SeedError):  # its own error type, nothing else
        load_hubspot_seed(HubSpotStore(), parse_yaml(text))


def _salesforce_seed(text: str) -> None:
    with suppress(SeedError):  # its own error type, nothing else
        load_records(SalesforceStore(token="t", api_limit=1000), parse_yaml(text))


LOADERS: dict[str, Callable[[str], None]] = {
    "config": _config,
    "mapping": _mapping,
    "gates": _gates,
    "hubspot-seed": _hubspot_seed,
    "salesforce-seed": _salesforce_seed,
}


@pytest.mark.parametrize("loader", list(LOADERS), ids=list(LOADERS))
@PROPERTY
@given(text=documents)
def test_every_loader_works_or_raises_its_own_error(loader: str, text: str) -> None:
    LOADERS[loader](text)


def _bomb(levels: int, width: int = 10) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


BOMB = _bomb(9)  # about 10**9 nodes once expanded, from a few hundred bytes


def _refused(problems: list[str]) -> bool:
    return any("refused" in p and "aliases" in p for p in problems)


@pytest.mark.parametrize("levels", [5, 9], ids=["100k-nodes", "billion-nodes"])
def test_an_alias_bomb_is_refused_by_every_dealgate_loader(levels: int) -> None:
    bomb = _bomb(levels)
    started = time.process_time()
    with pytest.raises(ConfigError) as config:
        parse_settings("crm: hubspot\nhubspot: {access_token: a}\n" + bomb, "c.yaml", env={})
    assert _refused(config.value.problems), config.value.problems
    with pytest.raises(MappingError) as mapping:
        parse_mapping("crm: hubspot\n" + bomb, "m.yaml")
    assert _refused(mapping.value.problems), mapping.value.problems
    assert _refused(parse_gates("gates: []\n" + bomb, "g.yaml")[1])
    assert time.process_time() - started < 60  # a guard against a hang, not a speed claim


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings("crm: hubspot\nloop: &l [*l]\n", "c.yaml", env={})
    assert any("refers to a node that contains it" in p for p in caught.value.problems)


def test_ordinary_anchors_still_work() -> None:
    settings_ = parse_settings(
        "crm: hubspot\nhubspot: &hs {access_token: a}\n"
        "tasks: {due_in_days: &d 5, snooze_days: *d}\n",
        "c.yaml",
        env={},
    )
    assert settings_.tasks.snooze_days == 5


@pytest.mark.parametrize("levels", [5, 9], ids=["100k-nodes", "billion-nodes"])
def test_an_alias_bomb_is_refused_as_a_seed(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text("hubspot: {}\n" + _bomb(levels))
    with pytest.raises(SeedError, match="refused: its aliases add"):
        read_seed_file(path)


# -- sandbox serve --seed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hubspot: [unclosed\n", "not valid YAML"),
        (b"hubspot: {}\n# \xff\n", "not UTF-8"),
        (b"just a string\n", "a 'hubspot' and/or a 'salesforce' section"),
        (b"hubspot: [1, 2]\n", "'hubspot' section"),
        (b"salesforce: {Opportunity: [{Name: 1, StageName: [x]}]}\n", "Opportunity[0]"),
        (b"hubspot: {deals: [{properties: {}}]}\n", "wrong shape"),
    ],
)
def test_a_bad_seed_file_is_one_seed_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "seed.yaml"
    path.write_bytes(content)
    with pytest.raises(SeedError) as caught:
        hs_seed, sf_seed = load_seed(path)
        with hubspot_sandbox.start(seed=hs_seed), salesforce_sandbox.start(seed=sf_seed):
            pass
    assert message in str(caught.value)


def test_sandbox_serve_with_bad_yaml_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli.cli_main import run_main

    path = tmp_path / "seed.yaml"
    path.write_text("hubspot: [unclosed\n")
    outcome = run_main(["sandbox", "serve", "--seed", str(path)], monkeypatch, capsys)
    assert outcome.code == 2
    assert len(outcome.error_lines) == 1 and "not valid YAML" in outcome.error_lines[0]
    assert "Traceback" not in outcome.stderr
