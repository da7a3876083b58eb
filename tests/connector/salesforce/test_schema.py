"""The field list an admin follows to create dealgate's custom fields."""

from __future__ import annotations

from connector.salesforce.schema import ALL_FIELDS, CUSTOM_FIELDS, missing, render


def test_names_follow_the_default_mapping() -> None:
    by_attribute = {item.attribute: item for item in CUSTOM_FIELDS}
    assert by_attribute["budget_status"].name == "Budget_Status__c"
    assert by_attribute["budget_status"].values == ("unknown", "estimated", "confirmed")
    assert by_attribute["scope"].name == "Project_Scope__c"
    assert by_attribute["decision_maker_briefed"].name == "Decision_Maker_Briefed__c"
    assert by_attribute["why_us"].name == "Why_Us__c"
    assert by_attribute["stance"].sobject == "OpportunityContactRole"
    assert by_attribute["stance"].values[-1] == "opponent"


def test_render_lists_every_field_with_its_type_and_values() -> None:
    text = render()
    for item in CUSTOM_FIELDS:
        assert item.name in text
    line = next(line for line in text.splitlines() if "Approval_Status__c" in line)
    assert "Picklist" in line
    assert line.endswith("values: not_started, drafted, in_review, approved, rejected")
    start = next(line for line in text.splitlines() if "Project_Start__c" in line)
    assert start.split()[:2] == ["Project_Start__c", "Date"]


def test_render_leaves_out_what_exists() -> None:
    existing = {"Budget_Status__c", "link.Stance__c", "Name"}
    todo = {item.name for item in missing(existing)}
    assert "Budget_Status__c" not in todo
    assert "Stance__c" not in todo
    assert "Approval_Status__c" in todo
    text = render(existing)
    assert "Already present: Budget_Status__c, Stance__c" in text
    assert render(
        {f.name if f.sobject == "Opportunity" else f"link.{f.name}" for f in ALL_FIELDS}
    ).endswith("nothing to create.\n")


def test_render_lists_the_verdict_fields_with_their_types() -> None:
    rows = {
        line.split()[0]: line for line in render().splitlines() if line.startswith("  Dealgate_")
    }
    assert set(rows) == {
        "Dealgate_Phase__c", "Dealgate_Evidence_Score__c", "Dealgate_Missing_Steps__c",
        "Dealgate_Next_Step__c", "Dealgate_Stage_Ahead__c", "Dealgate_Verdict_At__c",
    }  # fmt: skip
    assert rows["Dealgate_Phase__c"].endswith(
        "values: discovery, define, decision, delivery, maintenance"
    )
    assert "Number(3, 0)" in rows["Dealgate_Evidence_Score__c"]
    assert "Text(255)" in rows["Dealgate_Next_Step__c"]
    assert "Checkbox" in rows["Dealgate_Stage_Ahead__c"]
    assert "Date/Time" in rows["Dealgate_Verdict_At__c"]
