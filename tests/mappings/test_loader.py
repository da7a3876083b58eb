"""Mapping files: validation with file and line, every problem at once, `extends: builtin`."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.snapshot import BudgetStatus, Phase, Role
from mappings import MappingError, load_mapping, parse_mapping

HEADER = "crm: hubspot\npipelines:\n  default:\n    stages: {closedwon: delivery}\n"


def _problems(text: str, crm: str | None = None) -> list[str]:
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, "deals.yaml", crm)
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "crm: hubspot\npipelines:\n  default:\n    stages:\n"
            "      closedwon: delivery\n      closedwon: maintenance\n",
            "deals.yaml:6: pipelines.default.stages.closedwon: stage 'closedwon' is mapped twice "
            "(first at line 5)",
            id="stage-mapped-twice",
        ),
        pytest.param(
            "crm: hubspot\npipelines:\n  default:\n    stages:\n      closedwon: won\n",
            "deals.yaml:5: pipelines.default.stages.closedwon: unknown phase 'won' for stage "
            "'closedwon' (expected discovery, define, decision, delivery, maintenance or none)",
            id="unknown-phase",
        ),
        pytest.param(
            HEADER + "fields:\n  budget: dealgate_budget\n",
            "deals.yaml:6: fields.budget: unknown attribute 'budget' (did you mean budget_status?)",
            id="unknown-attribute",
        ),
        pytest.param(
            HEADER + "fields:\n  budget_status:\n    field: b\n    values:\n      OK: confirm\n",
            "deals.yaml:9: fields.budget_status.values.OK: unknown budget_status value 'confirm' "
            "(expected unknown, estimated or confirmed) (did you mean confirmed?)",
            id="unknown-enum-value",
        ),
        pytest.param(
            HEADER + "fields:\n  technical_fit: {field: f, values: {Yes: maybe}}\n",
            "deals.yaml:6: fields.technical_fit.values.Yes: technical_fit is a checkbox: "
            "translate 'Yes' to true or false",
            id="checkbox-translation",
        ),
        pytest.param(
            HEADER + "fields:\n  scope: {field: s, values: {a: b}}\n",
            "deals.yaml:6: fields.scope.values: scope is text: only picklist and checkbox "
            "attributes take values",
            id="values-on-text",
        ),
        pytest.param(
            HEADER + "contacts:\n  roles: {Champion: X}\n",
            "deals.yaml:6: contacts.roles.Champion: unknown role 'X' for 'Champion' "
            "(expected D, A, I or none)",
            id="unknown-role",
        ),
        pytest.param(
            HEADER + "contacts:\n  stances:\n    Fan: fan\n",
            "deals.yaml:7: contacts.stances.Fan: unknown stance 'fan' for 'Fan' (expected "
            "supporter, cooperator, neutral, non_cooperative, opponent or unknown)",
            id="unknown-stance",
        ),
        pytest.param(
            HEADER + "contacts:\n  roles: {Influencer: I, influencer: I}\n",
            "deals.yaml:6: contacts.roles.influencer: role label 'influencer' is mapped twice "
            "(also as 'Influencer')",
            id="role-label-twice-ignoring-case",
        ),
        pytest.param(
            HEADER + "contacts:\n  stance_from: Stance__c\n",
            "deals.yaml:6: contacts.stance_from: expected `labels`, `link.<field>` or "
            "`contact.<field>`, got 'Stance__c'",
            id="stance-source",
        ),
        pytest.param(
            HEADER + "contacts:\n  colour: red\n",
            "deals.yaml:6: contacts.colour: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            HEADER + "maintenance_after_days: soon\n",
            "deals.yaml:5: maintenance_after_days: Input should be a valid integer, unable to "
            "parse string as an integer (got 'soon')",
            id="wrong-type",
        ),
        pytest.param(
            HEADER + "fields:\n  owner: [a, b]\n",
            "deals.yaml:6: fields.owner: expected a field name or {field: NAME, values: {...}} "
            "(got ['a', 'b'])",
            id="field-shape",
        ),
        pytest.param(
            "crm: pipedrive\n" + HEADER[len("crm: hubspot\n") :],
            "deals.yaml:1: crm: Input should be 'salesforce' or 'hubspot' (got 'pipedrive')",
            id="unknown-crm",
        ),
        pytest.param(
            "crm: hubspot\n",
            "deals.yaml:1: pipelines: no pipeline is mapped: every deal would be skipped",
            id="no-pipelines",
        ),
        pytest.param(
            HEADER + "fields:\n  scope: s1\n  scope: s2\n",
            "deals.yaml:7: fields.scope: key 'scope' is given twice (first at line 6)",
            id="key-given-twice",
        ),
        pytest.param(
            HEADER + "maintenance_after_days: !!python/name:os.system\n",
            "deals.yaml:5: not valid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/name:os.system'",
            id="unsafe-tag",
        ),
        pytest.param(
            "crm: hubspot\nfields: [a\n",
            "deals.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>'",
            id="bad-yaml",
        ),
    ],
)
def test_each_problem_names_file_and_line(text: str, expected: str) -> None:
    assert _problems(text) == [expected]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        "crm: hubspot\n"
        "fields:\n"
        "  budget: x\n"
        "  approval_status: {field: a, values: {Sent: submitted}}\n"
        "  amount: {fld: x}\n"
        "contacts:\n"
        "  roles: {Boss: B}\n"
        "pipelines:\n"
        "  default:\n"
        "    stages:\n"
        "      s1: discovery\n"
        "      s1: define\n"
        "      s2: won\n"
    )
    problems = _problems(text)
    lines = [p.split(":")[1] for p in problems]
    assert lines == ["3", "4", "5", "5", "7", "12", "13"]


def test_a_file_for_the_other_crm_is_refused() -> None:
    assert _problems(HEADER, crm="salesforce") == [
        "deals.yaml:1: crm: this file maps 'hubspot', not 'salesforce'"
    ]


def test_extends_builtin_overrides_only_the_pieces_given() -> None:
    mapping = parse_mapping(
        "crm: hubspot\n"
        "extends: builtin\n"
        "maintenance_after_days: 180\n"
        "fields:\n"
        "  budget_status: {field: budget_ok, values: {Yes: confirmed}}\n"
        "  delivery_done: null\n"
        "contacts:\n"
        "  roles: {Champion: I, Influencer: none}\n"
        "pipelines:\n"
        "  '8812':\n"
        "    stages: {'1001': discovery, '1002': none}\n",
        "mine.yaml",
    )
    budget = mapping.field_for("budget_status")
    assert budget is not None and budget.field == "budget_ok"
    assert budget.translation == {"yes": BudgetStatus.CONFIRMED}
    assert mapping.field_for("delivery_done") is None
    approval = mapping.field_for("approval_status")
    assert approval is not None and approval.field == "dealgate_approval_status"
    assert mapping.maintenance_after_days == 180
    assert mapping.contacts.roles["champion"] is Role.INFLUENCER
    assert mapping.contacts.roles["influencer"] is None
    assert mapping.contacts.roles["decision_maker"] is Role.DECISION_MAKER
    assert mapping.stage_phase("8812", "1001") == (True, Phase.DISCOVERY)
    assert mapping.stage_phase("8812", "1002") == (True, None)
    assert mapping.stage_phase("default", "closedwon") == (True, Phase.DELIVERY)


def test_problems_in_an_extending_file_point_at_that_file() -> None:
    problems = _problems(
        "crm: salesforce\nextends: builtin\npipelines:\n  '*':\n    stages:\n"
        "      Closed Won: won\n"
    )
    assert problems == [
        "deals.yaml:6: pipelines.*.stages.Closed Won: unknown phase 'won' for stage 'Closed Won' "
        "(expected discovery, define, decision, delivery, maintenance or none)"
    ]


def test_load_mapping_reads_a_path_relative_to_the_config_folder(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "crm: salesforce\nextends: builtin\nmaintenance_after_days: 30\n", encoding="utf-8"
    )
    mapping = load_mapping("salesforce", "mapping.yaml", base_dir=tmp_path)
    assert (mapping.crm, mapping.maintenance_after_days) == ("salesforce", 30)
    assert mapping.source == str(tmp_path / "mapping.yaml")


def test_load_mapping_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping("hubspot", str(tmp_path / "absent.yaml"))
    assert caught.value.problems == [
        f"{tmp_path / 'absent.yaml'}: cannot read the mapping file: No such file or directory"
    ]


def test_load_mapping_refuses_an_unknown_crm() -> None:
    with pytest.raises(MappingError, match="no mapping for CRM 'pipedrive'"):
        load_mapping("pipedrive")
