"""RawDeal -> DealSnapshot under the bundled and user mappings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from connector.base import RawContact, RawTask
from gates.snapshot import (
    ApprovalStatus,
    BudgetStatus,
    Phase,
    ProposalStatus,
    Role,
    Stance,
)
from mappings import Normalized, UnmappedStage, load_mapping, parse_mapping
from tests.mappings.helpers import HS_STAGE_INFO, SF_STAGE_INFO, hs_deal, sf_deal

SALESFORCE = load_mapping("salesforce")
HUBSPOT = load_mapping("hubspot")


def _ok(result: Normalized | UnmappedStage) -> Normalized:
    assert isinstance(result, Normalized), result
    return result


def test_salesforce_opportunity_becomes_a_snapshot() -> None:
    raw = sf_deal(
        "Closed Won",
        fields={
            "OwnerId": "005OWNER",
            "Amount": 125000.0,
            "CurrencyIsoCode": "JPY",
            "CloseDate": "2026-10-31",
            "CreatedDate": "2026-01-05T09:00:00.000+0000",
            "LastModifiedDate": "2026-11-27T04:13:37.000+0000",
            "Budget_Status__c": "confirmed",
            "Approval_Status__c": "Approved",
            "Proposal_Status__c": "presented",
            "Decision_Process__c": "Board signs off in December",
            "Project_Start__c": "2027-01-04",
            "Technical_Fit__c": True,
            "Delivery_Done__c": False,
        },
        contacts=(
            RawContact(
                "003A",
                labels=("Decision Maker",),
                fields={
                    "Role": "Decision Maker",
                    "Stance__c": "supporter",
                    "LastActivityDate": "2026-11-20",
                    "FirstName": "Aiko",
                    "LastName": "Sato",
                    "Name": "Aiko Sato",
                },
            ),
        ),
    )
    result = _ok(SALESFORCE.normalize(raw, SF_STAGE_INFO))
    s = result.snapshot
    assert result.warnings == ()
    assert (s.id, s.crm, s.name, s.stage, s.stage_label) == (
        "006A",
        "salesforce",
        "Acme rollout",
        "Closed Won",
        "Closed Won",
    )
    assert (s.stage_phase, s.stage_probability) == (Phase.DELIVERY, 1.0)
    assert (s.owner_id, s.amount, s.currency) == ("005OWNER", 125000.0, "JPY")
    assert s.close_date == date(2026, 10, 31)
    assert s.created_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert s.modified_at == datetime(2026, 11, 27, 4, 13, 37, tzinfo=UTC)
    assert s.budget_status is BudgetStatus.CONFIRMED
    assert s.approval_status is ApprovalStatus.APPROVED
    assert s.proposal_status is ProposalStatus.PRESENTED
    assert s.decision_process == "Board signs off in December"
    assert s.project_start == date(2027, 1, 4)
    assert (s.technical_fit, s.delivery_done, s.invoice_sent) == (True, False, None)
    (person,) = s.key_persons(Role.DECISION_MAKER)
    assert (person.name, person.stance) == ("Aiko Sato", Stance.SUPPORTER)
    assert person.last_contacted is not None
    assert person.last_contacted.date() == date(2026, 11, 20)
    assert {"budget_status", "contacts", "last_contacted", "delivery_done"} <= s.mapped


def test_hubspot_deal_of_strings_becomes_a_snapshot() -> None:
    raw = hs_deal(
        fields={
            "hubspot_owner_id": "77",
            "amount": "125000.50",
            "deal_currency_code": "EUR",
            "closedate": "2026-12-31T00:00:00Z",
            "createdate": "1767603600000",
            "hs_lastmodifieddate": "2026-11-27T04:13:37.123Z",
            "dealgate_budget_status": "estimated",
            "dealgate_approval_status": "not_started",
            "dealgate_technical_fit": "true",
            "dealgate_terms_agreed": "false",
            "dealgate_project_end": "2027-03-31",
            "dealgate_order_date": "1798675200000",
        },
        contacts=(
            RawContact(
                "51",
                labels=("Influencer", "Neutral"),
                fields={"notes_last_contacted": "2026-11-20T10:00:00Z", "firstname": "Ken"},
            ),
        ),
    )
    result = _ok(HUBSPOT.normalize(raw, HS_STAGE_INFO))
    s = result.snapshot
    assert result.warnings == ()
    assert (s.crm, s.pipeline, s.stage_label, s.stage_probability) == (
        "hubspot",
        "default",
        "Qualified To Buy",
        0.4,
    )
    assert (s.owner_id, s.amount, s.currency) == ("77", 125000.5, "EUR")
    assert s.close_date == date(2026, 12, 31)
    assert s.created_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert s.modified_at == datetime(2026, 11, 27, 4, 13, 37, 123000, tzinfo=UTC)
    assert (s.budget_status, s.approval_status) == (
        BudgetStatus.ESTIMATED,
        ApprovalStatus.NOT_STARTED,
    )
    assert (s.technical_fit, s.terms_agreed) == (True, False)
    assert (s.project_end, s.order_date) == (date(2027, 3, 31), date(2026, 12, 31))
    (person,) = s.contacts
    assert (person.name, person.role, person.stance) == ("Ken", Role.INFLUENCER, Stance.NEUTRAL)
    assert person.last_contacted == datetime(2026, 11, 20, 10, tzinfo=UTC)


def test_strongest_role_wins_when_a_contact_has_several_labels() -> None:
    contact = RawContact("51", labels=("Influencer", "Decision maker", "Opponent"))
    s = _ok(HUBSPOT.normalize(hs_deal(contacts=(contact,)), {})).snapshot
    assert (s.contacts[0].role, s.contacts[0].stance) == (Role.DECISION_MAKER, Stance.OPPONENT)


def test_unknown_picklist_values_read_as_unknown_with_a_warning() -> None:
    raw = sf_deal(
        fields={
            "Budget_Status__c": "Probably",
            "Approval_Status__c": "Pending",
            "Proposal_Status__c": "Sent",
        },
        contacts=(RawContact("003A", labels=("Influencer",), fields={"Stance__c": "Fan"}),),
    )
    result = _ok(SALESFORCE.normalize(raw, {}))
    s = result.snapshot
    assert s.budget_status is BudgetStatus.UNKNOWN
    assert s.approval_status is ApprovalStatus.UNKNOWN
    assert s.proposal_status is ProposalStatus.UNKNOWN
    assert s.contacts[0].stance is Stance.UNKNOWN
    assert len(result.warnings) == 4
    assert any("'Probably'" in w and "Budget_Status__c" in w for w in result.warnings)
    assert any("Stance__c" in w and "'Fan'" in w for w in result.warnings)


def test_every_deal_reads_the_same_text_alike_and_warns_about_it_each_time() -> None:
    # The mapping remembers how a text parsed (values repeat across deals); a value it cannot
    # read is never remembered, so every deal carrying it still gets its warning.
    fields = {
        "amount": "1250000",
        "closedate": "2026-12-24",
        "dealgate_budget_status": "Confirmed",
        "dealgate_approval_status": "Pending",
        "dealgate_technical_fit": "maybe",
    }
    results = [_ok(HUBSPOT.normalize(hs_deal(fields=fields), {})) for _ in range(3)]
    for result in results:
        s = result.snapshot
        assert (s.amount, s.close_date) == (1_250_000.0, date(2026, 12, 24))
        assert (s.budget_status, s.approval_status) == (
            BudgetStatus.CONFIRMED,
            ApprovalStatus.UNKNOWN,
        )
        assert s.technical_fit is None
        assert len(result.warnings) == 2


def test_unreadable_values_are_left_empty_with_a_warning() -> None:
    raw = hs_deal(fields={"amount": "lots", "closedate": "soon", "dealgate_technical_fit": "maybe"})
    result = _ok(HUBSPOT.normalize(raw, {}))
    s = result.snapshot
    assert (s.amount, s.close_date, s.technical_fit) == (None, None, None)
    assert [w.split(":")[1].strip() for w in result.warnings] == [
        "amount",
        "close_date",
        "technical_fit",
    ]


def test_value_translation_from_a_user_mapping() -> None:
    mapping = parse_mapping(
        """
crm: salesforce
extends: builtin
fields:
  budget_status:
    field: Budget__c
    values: {"Secured": confirmed, "Guess": estimated}
  technical_fit: {field: Fit__c, values: {"○": true, "×": false}}
contacts:
  stances: {"○": supporter, "×": opponent}
""",
        "mine.yaml",
    )
    raw = sf_deal(
        fields={"Budget__c": "SECURED", "Fit__c": "○", "Budget_Status__c": "estimated"},
        contacts=(RawContact("003A", labels=("Decision Maker",), fields={"Stance__c": "×"}),),
    )
    result = _ok(mapping.normalize(raw, {}))
    assert result.snapshot.budget_status is BudgetStatus.CONFIRMED
    assert result.snapshot.technical_fit is True
    assert result.snapshot.contacts[0].stance is Stance.OPPONENT
    assert result.warnings == ()


def test_fields_the_crm_lacks_are_not_mapped_and_not_read() -> None:
    existing = {"Name", "StageName", "Approval_Status__c", "link.Role"}
    raw = sf_deal(
        fields={"Budget_Status__c": "confirmed", "Approval_Status__c": "drafted"},
        contacts=(
            RawContact(
                "003A",
                labels=("Decision Maker",),
                fields={"Stance__c": "opponent", "LastActivityDate": "2026-11-20"},
            ),
        ),
    )
    s = _ok(SALESFORCE.normalize(raw, {}, existing)).snapshot
    assert s.budget_status is None
    assert "budget_status" not in s.mapped
    assert s.approval_status is ApprovalStatus.DRAFTED
    assert {"approval_status", "contacts"} <= s.mapped
    assert "last_contacted" not in s.mapped
    assert (s.contacts[0].role, s.contacts[0].stance) == (Role.DECISION_MAKER, None)
    assert s.contacts[0].last_contacted is None


def test_contacts_are_not_mapped_without_the_role_field() -> None:
    existing = {"Name", "StageName", "link.Stance__c", "contact.LastActivityDate"}
    contact = RawContact(
        "003A", labels=("Decision Maker",), fields={"LastActivityDate": "2026-11-20"}
    )
    s = _ok(SALESFORCE.normalize(sf_deal(contacts=(contact,)), {}, existing)).snapshot
    assert "contacts" not in s.mapped
    assert "last_contacted" in s.mapped
    assert s.key_persons() == ()


def test_missing_fields_and_read_spec_follow_existing_fields() -> None:
    existing = {"Name", "StageName", "Budget_Status__c", "link.Role", "contact.LastName"}
    spec = SALESFORCE.read_spec(existing)
    assert spec.deal_fields == ("Name", "StageName", "Budget_Status__c")
    assert (spec.role_fields, spec.contact_fields) == (("Role",), ("LastName",))
    missing = SALESFORCE.missing_fields(existing)
    assert "approval_status -> Approval_Status__c: no such field on the deal" in missing
    assert "budget_status -> Budget_Status__c: no such field on the deal" not in missing
    assert "contacts.stance -> link.Stance__c: no such field on the deal-contact link" in missing
    assert "last_contacted -> contact.LastActivityDate: no such field on the contact" in missing
    assert "contacts.name -> contact.FirstName: no such field on the contact" in missing
    assert len(missing) == len(SALESFORCE.fields) - 3 + 3


def test_unmapped_stage_is_reported_not_guessed() -> None:
    assert SALESFORCE.normalize(sf_deal("Verbal Commit"), {}) == UnmappedStage(
        None, "Verbal Commit"
    )
    assert HUBSPOT.normalize(hs_deal("1234567"), {}) == UnmappedStage("default", "1234567")


def test_record_type_stages_override_the_org_wide_map() -> None:
    mapping = parse_mapping(
        'crm: salesforce\nextends: builtin\npipelines:\n  "012RENEW":\n'
        "    stages: {Prospecting: maintenance, Renewal Signed: delivery}\n",
        "renewals.yaml",
    )
    renewal = _ok(mapping.normalize(sf_deal("Prospecting", pipeline="012RENEW"), {})).snapshot
    other = _ok(mapping.normalize(sf_deal("Prospecting", pipeline="012NEW"), {})).snapshot
    fallback = _ok(mapping.normalize(sf_deal("Closed Won", pipeline="012RENEW"), {})).snapshot
    assert (renewal.stage_phase, other.stage_phase) == (Phase.MAINTENANCE, Phase.DISCOVERY)
    assert fallback.stage_phase is Phase.DELIVERY
    assert mapping.normalize(sf_deal("Renewal Signed"), {}) == UnmappedStage(None, "Renewal Signed")


def test_marker_tasks_come_along() -> None:
    created = datetime(2026, 11, 1, tzinfo=UTC)
    raw = sf_deal(
        tasks=(
            RawTask("00T1", "budget_confirmed", True, "005OWNER", "Confirm budget", created),
            RawTask("00T2", "scope_confirmed", False, None, completed_at=created),
        )
    )
    tasks = _ok(SALESFORCE.normalize(raw, {})).snapshot.tasks
    assert [(t.id, t.gate_id, t.is_open) for t in tasks] == [
        ("00T1", "budget_confirmed", True),
        ("00T2", "scope_confirmed", False),
    ]
    assert (tasks[0].owner_id, tasks[0].created_at, tasks[1].completed_at) == (
        "005OWNER",
        created,
        created,
    )


def test_stage_label_falls_back_to_the_stage_value() -> None:
    s = _ok(SALESFORCE.normalize(sf_deal("Qualification"), SF_STAGE_INFO)).snapshot
    assert (s.stage_label, s.stage_probability) == ("Qualification", None)
