"""The bundled default mappings hold exactly what docs/design.md section 5 promises."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from connector.base import RawContact
from gates.snapshot import EVIDENCE_ATTRIBUTES, Phase, Role, Stance
from mappings import CrmMapping, Normalized, UnmappedStage, load_mapping
from tests.mappings.helpers import hs_deal, sf_deal

SALESFORCE = load_mapping("salesforce")
HUBSPOT = load_mapping("hubspot")

SF_STAGES = [
    ("Prospecting", Phase.DISCOVERY),
    ("Qualification", Phase.DISCOVERY),
    ("Needs Analysis", Phase.DISCOVERY),
    ("Value Proposition", Phase.DEFINE),
    ("Id. Decision Makers", Phase.DISCOVERY),
    ("Perception Analysis", Phase.DEFINE),
    ("Proposal/Price Quote", Phase.DEFINE),
    ("Negotiation/Review", Phase.DECISION),
    ("Closed Won", Phase.DELIVERY),
    ("Closed Lost", None),
]
HS_STAGES = [
    ("appointmentscheduled", Phase.DISCOVERY),
    ("qualifiedtobuy", Phase.DISCOVERY),
    ("presentationscheduled", Phase.DEFINE),
    ("decisionmakerboughtin", Phase.DECISION),
    ("contractsent", Phase.DECISION),
    ("closedwon", Phase.DELIVERY),
    ("closedlost", None),
]


def _snapshot(result: Normalized | UnmappedStage) -> Normalized:
    assert isinstance(result, Normalized), result
    return result


@pytest.mark.parametrize(("stage", "phase"), SF_STAGES)
def test_salesforce_stage_maps_to_its_phase(stage: str, phase: Phase | None) -> None:
    snapshot = _snapshot(SALESFORCE.normalize(sf_deal(stage), {})).snapshot
    assert (snapshot.stage, snapshot.stage_phase) == (stage, phase)


@pytest.mark.parametrize(("stage", "phase"), SF_STAGES)
def test_salesforce_stages_are_org_wide_for_any_record_type(
    stage: str, phase: Phase | None
) -> None:
    result = _snapshot(SALESFORCE.normalize(sf_deal(stage, pipeline="012RT"), {}))
    assert result.snapshot.stage_phase == phase
    assert result.snapshot.pipeline == "012RT"


@pytest.mark.parametrize(("stage", "phase"), HS_STAGES)
def test_hubspot_default_pipeline_stage_maps_to_its_phase(stage: str, phase: Phase | None) -> None:
    snapshot = _snapshot(HUBSPOT.normalize(hs_deal(stage), {})).snapshot
    assert (snapshot.pipeline, snapshot.stage, snapshot.stage_phase) == ("default", stage, phase)


def test_hubspot_stage_of_another_pipeline_is_unmapped() -> None:
    result = HUBSPOT.normalize(hs_deal("closedwon", pipeline="7788"), {})
    assert result == UnmappedStage("7788", "closedwon")


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Decision Maker", Role.DECISION_MAKER),
        ("Economic Buyer", Role.APPROVER),
        ("Economic Decision Maker", Role.APPROVER),
        ("Executive Sponsor", Role.APPROVER),
        ("Influencer", Role.INFLUENCER),
        ("Evaluator", Role.INFLUENCER),
        ("Technical Buyer", Role.INFLUENCER),
        ("Business User", Role.INFLUENCER),
        ("Other", None),
        ("", None),
        ("Champion", None),
    ],
)
def test_salesforce_contact_role(label: str, role: Role | None) -> None:
    fields = {"Role": label, "FirstName": "Aiko", "LastName": "Sato", "Name": "Aiko Sato"}
    contact = RawContact("003A", labels=(label,), fields=fields)
    snapshot = _snapshot(SALESFORCE.normalize(sf_deal(contacts=(contact,)), {})).snapshot
    (person,) = snapshot.contacts
    assert (person.id, person.name, person.role) == ("003A", "Aiko Sato", role)
    assert snapshot.key_persons() == ((person,) if role else ())


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("一郎", "高橋", "高橋 一郎"),  # a Japanese name reads family name first, whatever the org
        ("Aiko", "Sato", "Aiko Sato"),
        (None, "高橋", "高橋"),  # LastName is the only required part of a contact's name
    ],
)
def test_salesforce_contact_names_in_the_order_their_language_expects(
    first: str | None, last: str, shown: str
) -> None:
    # Salesforce's composed Name follows the org's locale: an English-locale org writes a
    # Japanese contact "一郎 高橋". dealgate reads the two parts and orders them itself.
    composed = " ".join(part for part in (first, last) if part)
    fields = {"Role": "Decision Maker", "FirstName": first, "LastName": last, "Name": composed}
    contact = RawContact("003A", labels=("Decision Maker",), fields=fields)
    snapshot = _snapshot(SALESFORCE.normalize(sf_deal(contacts=(contact,)), {})).snapshot
    assert snapshot.contacts[0].name == shown


@pytest.mark.parametrize(
    ("value", "stance"),
    [
        ("supporter", Stance.SUPPORTER),
        ("cooperator", Stance.COOPERATOR),
        ("neutral", Stance.NEUTRAL),
        ("non_cooperative", Stance.NON_COOPERATIVE),
        ("opponent", Stance.OPPONENT),
        ("Opponent", Stance.OPPONENT),
        (None, None),
    ],
)
def test_salesforce_stance_from_the_contact_role_field(
    value: str | None, stance: Stance | None
) -> None:
    contact = RawContact("003A", labels=("Decision Maker",), fields={"Stance__c": value})
    snapshot = _snapshot(SALESFORCE.normalize(sf_deal(contacts=(contact,)), {})).snapshot
    assert snapshot.contacts[0].stance == stance


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Decision maker", Role.DECISION_MAKER),
        ("Approver", Role.APPROVER),
        ("Influencer", Role.INFLUENCER),
        ("Billing contact", None),
    ],
)
def test_hubspot_role_from_association_label(label: str, role: Role | None) -> None:
    contact = RawContact("51", labels=(label,), fields={"firstname": "Aiko", "lastname": "Sato"})
    snapshot = _snapshot(HUBSPOT.normalize(hs_deal(contacts=(contact,)), {})).snapshot
    assert (snapshot.contacts[0].name, snapshot.contacts[0].role) == ("Aiko Sato", role)


@pytest.mark.parametrize(
    ("label", "stance"),
    [
        ("Supporter", Stance.SUPPORTER),
        ("Cooperator", Stance.COOPERATOR),
        ("Neutral", Stance.NEUTRAL),
        ("Non-cooperative", Stance.NON_COOPERATIVE),
        ("Opponent", Stance.OPPONENT),
    ],
)
def test_hubspot_stance_from_the_second_association_label(label: str, stance: Stance) -> None:
    contact = RawContact("51", labels=("Approver", label))
    snapshot = _snapshot(HUBSPOT.normalize(hs_deal(contacts=(contact,)), {})).snapshot
    assert (snapshot.contacts[0].role, snapshot.contacts[0].stance) == (Role.APPROVER, stance)


@pytest.mark.parametrize(
    ("mapping", "field_for"),
    [
        (SALESFORCE, lambda a: "_".join(part.capitalize() for part in a.split("_")) + "__c"),
        (HUBSPOT, lambda a: f"dealgate_{a}"),
    ],
    ids=["salesforce", "hubspot"],
)
def test_every_evidence_attribute_has_its_default_field(
    mapping: CrmMapping, field_for: Callable[[str], str]
) -> None:
    renamed = {"scope": "Project_Scope__c", "reason": "Project_Reason__c"}
    for attribute in EVIDENCE_ATTRIBUTES:
        entry = mapping.field_for(attribute)
        assert entry is not None, attribute
        expected = field_for(attribute)
        if mapping.crm == "salesforce":
            expected = renamed.get(attribute, expected)
        assert entry.field == expected


@pytest.mark.parametrize(
    ("mapping", "standard"),
    [
        (
            SALESFORCE,
            {
                "stage": "StageName",
                "owner": "OwnerId",
                "amount": "Amount",
                "currency": "CurrencyIsoCode",
                "close_date": "CloseDate",
                "name": "Name",
            },
        ),
        (
            HUBSPOT,
            {
                "stage": "dealstage",
                "pipeline": "pipeline",
                "owner": "hubspot_owner_id",
                "amount": "amount",
                "currency": "deal_currency_code",
                "close_date": "closedate",
                "name": "dealname",
            },
        ),
    ],
    ids=["salesforce", "hubspot"],
)
def test_standard_attributes_have_their_default_fields(
    mapping: CrmMapping, standard: dict[str, str]
) -> None:
    for attribute, field in standard.items():
        entry = mapping.field_for(attribute)
        assert entry is not None and entry.field == field, attribute


def test_both_default_mappings_enter_maintenance_after_90_days() -> None:
    assert (SALESFORCE.maintenance_after_days, HUBSPOT.maintenance_after_days) == (90, 90)


def test_salesforce_read_spec_asks_for_link_and_contact_fields() -> None:
    spec = SALESFORCE.read_spec(closed_task_days=30)
    assert {"StageName", "RecordTypeId", "Budget_Status__c", "Delivery_Done__c"} <= set(
        spec.deal_fields
    )
    assert spec.role_fields == ("Role", "Stance__c")
    assert spec.contact_fields == ("LastActivityDate", "FirstName", "LastName")
    assert spec.closed_task_days == 30


def test_hubspot_read_spec_reads_roles_from_labels_not_fields() -> None:
    spec = HUBSPOT.read_spec()
    assert {"dealstage", "pipeline", "dealgate_budget_status"} <= set(spec.deal_fields)
    assert spec.role_fields == ()
    assert spec.contact_fields == ("notes_last_contacted", "firstname", "lastname")


def test_rows_show_fields_roles_stances_and_stages() -> None:
    rows = HUBSPOT.rows()
    assert ("fields", "dealgate_budget_status", "budget_status") in rows
    assert ("roles", "Decision maker", "D (decision maker)") in rows
    assert ("stances", "Non-cooperative", "non_cooperative") in rows
    assert ("stages", "closedlost (pipeline default)", "none (closed lost)") in rows
    sf_rows = SALESFORCE.rows()
    assert ("roles", "Other", "not a key person") in sf_rows
    assert ("stages", "Closed Won (any pipeline)", "delivery") in sf_rows
    assert ("contacts", "contact.LastActivityDate", "last_contacted") in sf_rows
    assert all(len(row) == 3 and all(isinstance(cell, str) for cell in row) for row in sf_rows)


def test_an_org_without_record_types_takes_the_org_wide_stage_map() -> None:
    existing = {"Name", "StageName", "link.Role", "contact.FirstName", "contact.LastName"}
    assert "RecordTypeId" not in SALESFORCE.read_spec(existing).deal_fields
    assert (
        'pipeline -> RecordTypeId: no such field on the deal (every deal takes the "*" stage map)'
        in SALESFORCE.missing_fields(existing)
    )
    raw = sf_deal("Negotiation/Review", fields={"RecordTypeId": "012RT"})
    snapshot = _snapshot(SALESFORCE.normalize(raw, {}, existing)).snapshot
    assert (snapshot.pipeline, snapshot.stage_phase) == (None, Phase.DECISION)
