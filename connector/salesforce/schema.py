"""The custom fields dealgate's default Salesforce mapping reads (docs/design.md section 5), as
data, and the exact field list an admin creates from it (`dealgate schema install`).

Picklist values are the enum ids the gates use; labels are for people. Deploying through the
Metadata API is left to the admin's own tooling: the list below is exact enough to follow by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from connector.salesforce.soql import CONTACT_ROLE, OPPORTUNITY


@dataclass(frozen=True, slots=True)
class CustomField:
    sobject: str
    name: str  # API name, e.g. Budget_Status__c
    type: str  # Setup's name of the type
    label: str
    values: tuple[str, ...] = ()  # picklist values, in order
    length: int | None = None  # text length where the type needs one
    attribute: str = ""  # the dealgate attribute it backs

    @property
    def type_text(self) -> str:
        """The type as Setup shows it, with its length."""
        return f"{self.type}({self.length})" if self.length else self.type


def _field(
    attribute: str,
    kind: str,
    label: str,
    *,
    name: str | None = None,
    values: tuple[str, ...] = (),
    sobject: str = OPPORTUNITY,
) -> CustomField:
    api_name = name or "_".join(part.capitalize() for part in attribute.split("_")) + "__c"
    if kind == "picklist":
        return CustomField(sobject, api_name, "Picklist", label, values, attribute=attribute)
    if kind == "long text":
        return CustomField(
            sobject, api_name, "Long Text Area", label, length=32768, attribute=attribute
        )
    if kind == "text area":  # not a long text area: see LONG_TEXT_NOTE
        return CustomField(sobject, api_name, "Text Area", label, length=255, attribute=attribute)
    if kind == "text":
        return CustomField(sobject, api_name, "Text", label, length=255, attribute=attribute)
    if kind == "date":
        return CustomField(sobject, api_name, "Date", label, attribute=attribute)
    if kind == "number":
        return CustomField(sobject, api_name, "Number(16, 2)", label, attribute=attribute)
    if kind == "count":  # a whole number of at most three digits: a score or a count of gates
        return CustomField(sobject, api_name, "Number(3, 0)", label, attribute=attribute)
    if kind == "datetime":
        return CustomField(sobject, api_name, "Date/Time", label, attribute=attribute)
    return CustomField(sobject, api_name, "Checkbox", label, attribute=attribute)


CUSTOM_FIELDS: tuple[CustomField, ...] = (
    _field(
        "budget_status", "picklist", "Budget status", values=("unknown", "estimated", "confirmed")
    ),
    _field("decision_process", "long text", "Decision process"),
    _field(
        "approval_status",
        "picklist",
        "Approval status",
        values=("not_started", "drafted", "in_review", "approved", "rejected"),
    ),
    _field("scope", "text area", "Project scope", name="Project_Scope__c"),
    _field("reason", "text area", "Project reason", name="Project_Reason__c"),
    _field("competitors", "text", "Competitors"),
    _field("project_start", "date", "Project start"),
    _field("project_end", "date", "Project end"),
    _field("order_date", "date", "Order date"),
    _field(
        "proposal_status", "picklist", "Proposal status", values=("none", "drafted", "presented")
    ),
    _field("why_needed", "text area", "Why needed"),
    _field("why_now", "text area", "Why now"),
    _field("why_us", "text area", "Why us"),
    _field("technical_fit", "checkbox", "Technical fit confirmed"),
    _field("delivery_capacity", "checkbox", "Delivery capacity secured"),
    _field("schedule_prepared", "checkbox", "Schedule prepared"),
    _field("decision_maker_briefed", "checkbox", "Decision maker briefed"),
    _field("informal_award", "checkbox", "Informal award received"),
    _field("terms_agreed", "checkbox", "Terms agreed"),
    _field("delivery_owner", "text", "Delivery owner"),
    _field("invoice_sent", "checkbox", "Invoice sent"),
    _field("delivery_done", "checkbox", "Delivery done"),
    _field("qualification", "picklist", "Qualification", values=("pursue", "pending", "drop")),
    _field("invited_to_propose", "checkbox", "Invited to propose"),
    _field("budget_amount", "number", "Budget amount"),
    _field("budget_period", "text", "Budget period"),
    _field("staffing_outlook", "text area", "Staffing outlook"),
    _field("customer_team", "text area", "Customer project team"),
    _field("selection_criteria", "text area", "Partner selection criteria"),
    _field("stakeholder_expectations", "text area", "Stakeholder expectations"),
    _field("gross_profit", "number", "Gross profit"),
    _field("win_over_plan", "text area", "Plan to win over opponents"),
    _field("payment_received", "checkbox", "Payment received"),
    _field(
        "stance",
        "picklist",
        "Stance",
        sobject=CONTACT_ROLE,
        values=("supporter", "cooperator", "neutral", "non_cooperative", "opponent"),
    ),
)


PHASES = ("discovery", "define", "decision", "delivery", "maintenance")

# The verdict dealgate writes on each opportunity (docs/design.md section 5).
VERDICT_FIELDS: tuple[CustomField, ...] = (
    _field("phase", "picklist", "dealgate phase", name="Dealgate_Phase__c", values=PHASES),
    _field("evidence_score", "count", "dealgate evidence score",
           name="Dealgate_Evidence_Score__c"),
    _field("missing_steps", "count", "dealgate missing steps", name="Dealgate_Missing_Steps__c"),
    _field("next_step", "text", "dealgate next step", name="Dealgate_Next_Step__c"),
    _field("stage_ahead", "checkbox", "dealgate stage ahead of evidence",
           name="Dealgate_Stage_Ahead__c"),
    _field("verdict_at", "datetime", "dealgate verdict at", name="Dealgate_Verdict_At__c"),
)  # fmt: skip
ALL_FIELDS: tuple[CustomField, ...] = CUSTOM_FIELDS + VERDICT_FIELDS


def missing(
    existing: set[str] | None, fields: Iterable[CustomField] = ALL_FIELDS
) -> list[CustomField]:
    """The fields an org lacks, given `Connector.existing_fields()` names (contact-role fields
    prefixed `link.`); every field when `existing` is None (not connected)."""
    if existing is None:
        return list(fields)
    lowered = {name.lower() for name in existing}

    def key(item: CustomField) -> str:
        prefix = "link." if item.sobject == CONTACT_ROLE else ""
        return (prefix + item.name).lower()

    return [item for item in fields if key(item) not in lowered]


LONG_TEXT_NOTE = (
    "Keep the Text Area fields Text Area (255), not Long Text Area: a query selecting two or "
    "more\nlong text fields is capped at 200 records a page instead of 2,000, which multiplies "
    "the API\ncalls of every full read by up to ten."
)


def render(existing: set[str] | None = None, labels: Mapping[str, str] | None = None) -> str:
    """The field list for the admin, grouped by object; fields that exist already are named
    at the end instead of listed. `labels` gives a field's label by its attribute (`schema
    install` in Japanese); the others keep their English label."""
    todo = [replace(f, label=(labels or {}).get(f.attribute) or f.label) for f in missing(existing)]
    lines = ["Salesforce custom fields for dealgate", ""]
    if not todo:
        lines.append("Every field exists already; nothing to create.")
        return "\n".join(lines) + "\n"
    lines.append("Create each in Setup > Object Manager > <object> > Fields & Relationships > New,")
    lines.append("with exactly this API name, type and picklist values (in this order);")
    lines.append("then give the integration user read access to every one of them, and edit access")
    lines.append(
        "to the Dealgate_* verdict fields (dealgate writes them when verdict.enabled is on)."
    )
    lines.append(LONG_TEXT_NOTE)
    for sobject in (OPPORTUNITY, CONTACT_ROLE):
        group = [item for item in todo if item.sobject == sobject]
        if not group:
            continue
        width_name = max(len(item.name) for item in group)
        width_type = max(len(item.type_text) for item in group)
        width_label = max(len(item.label) for item in group)
        lines += ["", sobject]
        for item in group:
            row = (
                f"  {item.name:<{width_name}}  {item.type_text:<{width_type}}  "
                f"{item.label:<{width_label}}"
            )
            if item.values:
                row += "  values: " + ", ".join(item.values)
            lines.append(row.rstrip())
    present = [item.name for item in ALL_FIELDS if item not in todo]
    if present:
        lines += ["", "Already present: " + ", ".join(present)]
    return "\n".join(lines) + "\n"
