"""`schema install` against an empty portal: creates what is missing, once."""

from __future__ import annotations

from connector.hubspot.schema import (
    DEAL_PROPERTIES,
    ROLE_LABELS,
    STANCE_LABELS,
    VERDICT_PROPERTIES,
)
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import connect


def test_install_twice_creates_nothing_the_second_time(hs_empty: HubSpotSandbox) -> None:
    connector = connect(hs_empty)
    first = connector.install_schema()
    assert len(first) == (
        len(DEAL_PROPERTIES) + len(VERDICT_PROPERTIES) + len(ROLE_LABELS) + len(STANCE_LABELS)
    )
    writes_after_first = len(hs_empty.app.writes())
    assert connector.install_schema() == []
    assert len(hs_empty.app.writes()) == writes_after_first


def test_installed_properties_have_types_options_and_group(hs_empty: HubSpotSandbox) -> None:
    connector = connect(hs_empty)
    connector.install_schema()
    props = hs_empty.store.properties["deals"]
    budget = props["dealgate_budget_status"]
    assert (budget.type, budget.field_type, budget.group_name) == (
        "enumeration",
        "select",
        "dealgate",
    )
    assert [value for value, _ in budget.options] == ["unknown", "estimated", "confirmed"]
    assert props["dealgate_technical_fit"].type == "bool"
    assert props["dealgate_project_start"].type == "date"
    assert props["dealgate_why_us"].type == "string"
    fields = connector.existing_fields()
    assert {p.name for p in DEAL_PROPERTIES} <= fields


def test_labels_for_roles_and_stances_are_usable(hs_empty: HubSpotSandbox) -> None:
    connect(hs_empty).install_schema()
    deal = hs_empty.store.create("deals", {"dealname": "x"})
    contact = hs_empty.store.create("contacts", {"firstname": "y"})
    hs_empty.store.associate("deals", deal, "contacts", contact, ["Approver", "Non-cooperative"])


def test_dry_run_lists_and_writes_nothing(hs_empty: HubSpotSandbox) -> None:
    connector = connect(hs_empty)
    planned = connector.install_schema(dry_run=True)
    assert planned and all(line.startswith("would create") for line in planned)
    assert hs_empty.app.writes() == []
    assert "dealgate_budget_status" not in hs_empty.store.properties["deals"]


def test_partly_installed_portal_gets_only_the_rest(hs_sandbox: HubSpotSandbox) -> None:
    hs_sandbox.store.delete_property("deals", "dealgate_why_us")
    created = connect(hs_sandbox).install_schema()
    # the sandbox portal carries every other dealgate property, as schema install left it
    assert [line for line in created if "deal property" in line] == [
        "created deal property dealgate_why_us (text)"
    ]


def test_the_verdict_properties_have_their_types_in_the_dealgate_group(
    hs_empty: HubSpotSandbox,
) -> None:
    connector = connect(hs_empty)
    lines = connector.install_schema()
    assert "created deal property dealgate_stage_ahead (checkbox)" in lines
    props = hs_empty.store.properties["deals"]
    types = {
        name: (props[name].type, props[name].field_type, props[name].group_name)
        for name in (p.name for p in VERDICT_PROPERTIES)
    }
    assert types == {
        "dealgate_phase": ("enumeration", "select", "dealgate"),
        "dealgate_evidence_score": ("number", "number", "dealgate"),
        "dealgate_missing_steps": ("number", "number", "dealgate"),
        "dealgate_next_step": ("string", "text", "dealgate"),
        "dealgate_stage_ahead": ("bool", "booleancheckbox", "dealgate"),
        "dealgate_verdict_at": ("datetime", "date", "dealgate"),
    }
    assert [v for v, _ in props["dealgate_phase"].options] == [
        "discovery", "define", "decision", "delivery", "maintenance",
    ]  # fmt: skip
