"""Configuring gates: overrides (global, per pipeline), user gate files, and their errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gates import GateConfigError, evaluate_deal, gate_rows, load_catalog
from gates.snapshot import Phase, Role
from sync.config import GateOverride, parse_settings
from tests.gates.builders import NOW, TODAY, deal, person


def write(tmp_path: Path, text: str, name: str = "gates.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(*args: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(GateConfigError) as caught:
        load_catalog(*args, **kwargs)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def failing(catalog: Any, phase: Phase = Phase.DISCOVERY, **changes: Any) -> list[str]:
    evaluation = evaluate_deal(deal(phase, close_date=TODAY, **changes), NOW, catalog)
    assert evaluation is not None
    return [r.gate_id for r in evaluation.failing]


# -- overrides ------------------------------------------------------------------------------

stale_team = (person("d1", Role.DECISION_MAKER, days_ago=100), person("a1", Role.APPROVER))


def test_param_override_changes_the_check() -> None:
    assert failing(load_catalog(), contacts=stale_team[:1]) == ["key_person_in_touch"]
    relaxed = load_catalog(overrides={"key_person_in_touch": {"params": {"within_days": 120}}})
    assert failing(relaxed, contacts=stale_team[:1]) == []
    assert relaxed.get("key_person_in_touch").params["within_days"] == 120
    assert relaxed.get("key_person_in_touch").params["roles"] == ("D", "A", "I")


def test_overrides_accept_the_settings_objects() -> None:
    settings = parse_settings(
        "crm: hubspot\nhubspot: {access_token: x}\n"
        "gates:\n  overrides:\n    invoice_sent: {enabled: false}\n"
        "    key_person_in_touch: {params: {within_days: 7}}\n",
        env={},
    )
    overrides = settings.gates.overrides
    assert isinstance(overrides["invoice_sent"], GateOverride)
    catalog = load_catalog(overrides=overrides)
    assert not catalog.get("invoice_sent").enabled
    assert catalog.get("key_person_in_touch").params["within_days"] == 7
    assert ("invoice_sent", "delivery", "Invoice sent", False) in gate_rows(catalog)


def test_pipeline_overrides_apply_to_that_pipeline_only() -> None:
    catalog = load_catalog(
        overrides={"competition_known": {"enabled": False}},
        pipeline_overrides={
            "renewals": {"budget_confirmed": GateOverride(enabled=False)},
            "enterprise": {"competition_known": {"enabled": True}},
        },
    )
    changes: dict[str, Any] = {"budget_status": "estimated", "competitors": "TBD"}
    assert failing(catalog, pipeline="default", **changes) == ["budget_confirmed"]
    assert failing(catalog, pipeline=None, **changes) == ["budget_confirmed"]
    assert failing(catalog, pipeline="renewals", **changes) == []
    assert failing(catalog, pipeline="enterprise", **changes) == [
        "competition_known",
        "budget_confirmed",
    ]
    assert [g.id for g in catalog.for_pipeline("renewals") if not g.enabled] == [
        "competition_known",
        "budget_confirmed",
    ]
    assert catalog.for_pipeline("unknown") == catalog.gates


@pytest.mark.parametrize(
    ("overrides", "pipeline_overrides", "expected"),
    [
        pytest.param(
            {"budget_confirmd": {"enabled": False}},
            {},
            ["gates.overrides.budget_confirmd: unknown gate id 'budget_confirmd'"],
            id="unknown-gate",
        ),
        pytest.param(
            {"budget_confirmed": {"params": {"within_days": 3}}},
            {},
            [
                "gates.overrides.budget_confirmed.params.within_days: not a parameter of gate "
                "'budget_confirmed' (kind enum_in takes: implied_past_phase, rejected, values)"
            ],
            id="param-the-kind-does-not-take",
        ),
        pytest.param(
            {"invoice_sent": {"params": {"days": 3}}},
            {},
            [
                "gates.overrides.invoice_sent.params.days: not a parameter of gate "
                "'invoice_sent' (kind flag_true takes no parameters)"
            ],
            id="kind-without-params",
        ),
        pytest.param(
            {},
            {"renewals": {"key_person_contacted": {"params": {"within_days": 60}}}},
            [
                "gates.pipelines.renewals.key_person_contacted.params.within_days: not a "
                "parameter of gate 'key_person_contacted' (kind key_person_met takes: roles); "
                "it moved to gate 'key_person_in_touch': set it there"
            ],
            id="an-old-override-names-the-gate-its-parameter-moved-to",
        ),
        pytest.param(
            {"key_person_in_touch": {"params": {"within_days": -1}}},
            {},
            [
                "gates.overrides.key_person_in_touch.params.within_days: "
                "Input should be greater than or equal to 0 (got -1)"
            ],
            id="bad-param-value",
        ),
        pytest.param(
            {"budget_confirmed": {"params": {"values": ["approved"]}}},
            {},
            [
                "gates.overrides.budget_confirmed.params: 'approved' not a value of "
                "budget_status (one of unknown, estimated, confirmed)"
            ],
            id="enum-value-of-another-attribute",
        ),
        pytest.param(
            {"invoice_sent": {"enabled": "no", "priority": 1}},
            {},
            [
                "gates.overrides.invoice_sent.priority: unknown key (enabled, params)",
                "gates.overrides.invoice_sent.enabled: expected true or false (got 'no')",
            ],
            id="bad-override-shape",
        ),
        pytest.param(
            {},
            {"p1": {"nope": {"enabled": False}}, "p2": {"nope2": {}}},
            [
                "gates.pipelines.p1.nope: unknown gate id 'nope'",
                "gates.pipelines.p2.nope2: unknown gate id 'nope2'",
            ],
            id="pipeline-unknown-gates-all-listed",
        ),
    ],
)
def test_override_errors(
    overrides: dict[str, Any], pipeline_overrides: dict[str, Any], expected: list[str]
) -> None:
    assert problems(overrides=overrides, pipeline_overrides=pipeline_overrides) == expected


# -- user gate files ------------------------------------------------------------------------

GOOD = """\
gates:
  - id: approver_known
    phase: decision
    kind: role_present
    params: {role: A}
    rule: a contact with role A is on the deal.
    title: {en: Approver identified, ja: 承認権限者を特定}
"""


def test_user_gates_come_after_the_builtin_ones(tmp_path: Path) -> None:
    catalog = load_catalog([write(tmp_path, GOOD)])
    assert len(catalog.gates) == 33 and catalog.gates[-1].id == "approver_known"
    assert failing(catalog, Phase.DECISION, contacts=(person("d", Role.DECISION_MAKER),)) == [
        "approver_identified",
        "influencers_aligned",
        "decision_maker_briefed",
        "approver_known",
    ]
    assert gate_rows(catalog, "ja")[-1] == ("approver_known", "decision", "承認権限者を特定", True)


def test_user_gates_take_overrides_too(tmp_path: Path) -> None:
    catalog = load_catalog(
        [write(tmp_path, GOOD)], overrides={"approver_known": {"params": {"role": "I"}}}
    )
    assert catalog.get("approver_known").params == {"role": "I"}


def test_builtin_can_be_left_out(tmp_path: Path) -> None:
    catalog = load_catalog([write(tmp_path, GOOD)], builtin=False)
    assert [g.id for g in catalog.gates] == ["approver_known"]
    assert len(load_catalog(builtin=False)) == 0


BAD = """\
gates:
  - id: renewal_owner
    phase: renewal
    kind: field_present
    evidence: [delivery_owner]
    title: {en: Renewal owner}
  - id: scoring
    phase: discovery
    kind: lead_score_above
    title: {en: Lead score}
  - id: budget_owner
    phase: discovery
    kind: field_present
    evidence: [budget_owner]
    title: {en: Budget owner}
  - id: budget_confirmed
    phase: discovery
    kind: enum_in
    evidence: [budget_status]
    params: {values: [confirmed]}
    title: {en: Budget (again)}
  - id: dated
    phase: define
    kind: date_within
    evidence: [scope]
    params: {within_days: 5, colour: red}
    title: {en: Dated}
    owner: someone
"""


def test_every_problem_of_a_gate_file_is_listed_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    found = problems([path])
    assert found == [
        f"{path}:3: gate 'renewal_owner': phase: unknown phase 'renewal' "
        "(one of discovery, define, decision, delivery, maintenance)",
        f"{path}:9: gate 'scoring': kind: unknown kind 'lead_score_above' (known: "
        "all_text_real, date_set, date_within, decision_process, enum_in, field_present, "
        "flag_true, key_person_contacted, key_person_met, opposition_planned, person_briefed, "
        "role_present, stance_aligned, text_real)",
        f"{path}:14: gate 'budget_owner': evidence: unknown attribute 'budget_owner'",
        f"{path}:25: gate 'dated': evidence: 'scope' is text, expected date",
        f"{path}:26: gate 'dated': params.colour: unknown key",
        f"{path}:28: gate 'dated': owner: unknown key",
    ]


def test_duplicate_ids_are_refused_with_both_places(tmp_path: Path) -> None:
    text = GOOD + GOOD.split("\n", 1)[1].replace("rule:", "enabled: false\n    rule:")
    first, second = write(tmp_path, GOOD, "a.yaml"), write(tmp_path, text, "b.yaml")
    assert problems([first, second]) == [
        f"{second}:2: duplicate gate id 'approver_known' (first defined at {first}:2)",
        f"{second}:8: duplicate gate id 'approver_known' (first defined at {first}:2)",
    ]


def test_a_user_gate_may_not_reuse_a_builtin_id(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("approver_known", "budget_confirmed"))
    [problem] = problems([path])
    assert problem.startswith(f"{path}:2: duplicate gate id 'budget_confirmed' (first defined at ")
    assert "gates/catalog.yaml:" in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("gates: [\n", "{path}:2: not valid YAML: ", id="bad-yaml"),
        pytest.param(
            "- id: x\n", "{path}: a gate file is a mapping with the key 'gates'", id="list"
        ),
        pytest.param("gate: []\n", "{path}:1: gate: unknown key", id="unknown-top-key"),
        pytest.param(
            "gates:\n  - id: x\n    phase: define\n    title: {en: X}\n",
            "{path}:2: gate 'x': kind is missing (one of all_text_real",
            id="no-kind",
        ),
        pytest.param(
            "gates:\n  - id: Bad-Id\n    phase: define\n    kind: text_real\n"
            "    evidence: [scope]\n    title: {en: X}\n",
            "{path}:2: gate 'Bad-Id': id: String should match pattern",
            id="bad-id",
        ),
        pytest.param(
            "gates:\n  - id: x\n    phase: define\n    kind: enum_in\n"
            "    evidence: [approval_status]\n    params: {values: [signed]}\n    title: {en: X}\n",
            "{path}:2: gate 'x': params: 'signed' not a value of approval_status",
            id="enum-value",
        ),
        pytest.param(
            "gates:\n  - id: x\n    phase: define\n    kind: key_person_contacted\n"
            "    evidence: [contacts]\n    title: {en: X}\n",
            "{path}:5: gate 'x': evidence: needs exactly: contacts, last_contacted",
            id="evidence-shape",
        ),
        pytest.param(
            "gates:\n  - id: x\n    phase: define\n    kind: all_text_real\n"
            "    evidence: []\n    title: {en: X}\n",
            "{path}:5: gate 'x': evidence: needs one or more text attributes",
            id="variadic-evidence-empty",
        ),
        pytest.param(
            "gates:\n  - id: x\n    phase: define\n    kind: flag_true\n"
            "    evidence: [technical_fit]\n",
            "{path}:2: gate 'x': title: required key is missing",
            id="no-title",
        ),
    ],
)
def test_gate_file_error(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    [problem] = problems([path])
    assert problem.startswith(expected.format(path=path))


def test_unreadable_gate_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    [problem] = problems([missing])
    assert problem.startswith(f"{missing}: cannot read the gate file: ")


@pytest.mark.parametrize("text", ["", "gates:\n", "gates: []\n"], ids=["blank", "null", "empty"])
def test_empty_gate_file_adds_nothing(tmp_path: Path, text: str) -> None:
    assert len(load_catalog([write(tmp_path, text)])) == 32
