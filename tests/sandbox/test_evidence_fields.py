"""The sandboxes carry every evidence field exactly as `dealgate schema install` sets it up, the
course's finer steps included (qualification, budget amount and period, staffing, customer team,
agreement conditions, gross profit, the plan for opponents, payment), and the demo fills those."""

from __future__ import annotations

import pytest

from connector.hubspot.schema import DEAL_PROPERTIES, DealProperty
from connector.salesforce.schema import CUSTOM_FIELDS, CustomField
from sandbox.hubspot.custom import dealgate_properties
from sandbox.hubspot.demo import demo_seed as hs_demo_seed
from sandbox.salesforce.demo import demo_seed as sf_demo_seed
from sandbox.salesforce.describe import describe_field
from sandbox.salesforce.schema import METHOD_EVIDENCE_FIELDS, default_schema

ATTRIBUTES = (
    "qualification", "invited_to_propose", "budget_amount", "budget_period", "staffing_outlook",
    "customer_team", "selection_criteria", "stakeholder_expectations", "gross_profit",
    "win_over_plan", "payment_received",
)  # fmt: skip
# Setup's type -> describe's type and length
DESCRIBE_TYPES = {
    "Long Text Area": ("textarea", 32768),
    "Date": ("date", 0),
    "Picklist": ("picklist", 255),
    "Checkbox": ("boolean", 0),
    "Number(16, 2)": ("double", 0),
    "Text": ("string", 255),
    "Text Area": ("textarea", 255),
}


SF_FIELDS = [f for f in CUSTOM_FIELDS if f.sobject == "Opportunity"]


@pytest.mark.parametrize("wanted", SF_FIELDS, ids=[f.name for f in SF_FIELDS])
def test_the_salesforce_org_has_the_field_as_schema_install_lists_it(wanted: CustomField) -> None:
    field = default_schema()["Opportunity"].field(wanted.name)
    assert field is not None and field.custom
    described = describe_field(field)
    assert (described["type"], described["length"]) == DESCRIBE_TYPES[wanted.type]
    assert described["label"] == wanted.label
    assert [v["value"] for v in described["picklistValues"]] == list(wanted.values)
    # only Decision_Process__c is a long text area: a query of the evidence keeps 2,000 a page
    assert described["filterable"] == (wanted.name != "Decision_Process__c")


@pytest.mark.parametrize("wanted", DEAL_PROPERTIES, ids=[p.name for p in DEAL_PROPERTIES])
def test_the_hubspot_portal_has_the_property_as_schema_install_creates_it(
    wanted: DealProperty,
) -> None:
    body = wanted.definition()
    [have] = [p for p in dealgate_properties() if p.name == wanted.name]
    assert (have.label, have.type, have.field_type, have.group_name) == (
        body["label"], body["type"], body["fieldType"], body["groupName"]
    )  # fmt: skip
    assert [v for v, _ in have.options] == [o["value"] for o in body.get("options", [])]


def test_the_salesforce_fields_are_the_method_fields() -> None:
    names = {f.name for f in CUSTOM_FIELDS if f.attribute in ATTRIBUTES}
    assert {name for name, *_ in METHOD_EVIDENCE_FIELDS} == names


def test_the_demo_fills_each_method_field_on_some_deals_and_not_on_others() -> None:
    sf = sf_demo_seed()["Opportunity"]
    hs = [d["properties"] for d in hs_demo_seed()["deals"]]
    for name, *_ in METHOD_EVIDENCE_FIELDS:
        values = [deal.get(name) for deal in sf]
        assert any(v not in (None, False, 0.0, "") for v in values), name
        assert any(v in (None, False, 0.0, "") for v in values), name
    for attribute in ATTRIBUTES:
        values = [deal.get(f"dealgate_{attribute}") for deal in hs]
        assert any(v not in (None, "false", "0") for v in values), attribute
        assert any(v in (None, "false", "0") for v in values), attribute
    for deals, key in ((sf, "Qualification__c"), (hs, "dealgate_qualification")):
        assert {d.get(key) for d in deals} == {"pursue", "pending", "drop", None}
