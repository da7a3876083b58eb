"""`schema install` for HubSpot: dealgate's deal properties and deal-contact association labels.

Creates what is missing and nothing else (docs/design.md section 5): the property group `dealgate`,
the `dealgate_*` deal properties with their types and options (the evidence dealgate reads and
the verdict it writes), and the USER_DEFINED labels of
the deal-to-contact association for roles (`Decision maker`, `Approver`, `Influencer`) and
stances (`Supporter` ... `Opponent`). A second run finds everything in place and creates
nothing; `dry_run` lists what would be created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector.errors import RequestRejected
from connector.hubspot import vocab
from connector.hubspot.transport import Transport

GROUP = "dealgate"
GROUP_LABEL = "dealgate"


@dataclass(frozen=True)
class DealProperty:
    """One custom deal property: name, label, kind (picklist/text/date/checkbox), options."""

    name: str
    label: str
    kind: str
    options: tuple[str, ...] = ()
    description: str = "Evidence that dealgate reads for its gates."
    attribute: str = ""  # the dealgate attribute (or verdict key) it holds

    def definition(self, label: str | None = None) -> dict[str, Any]:
        """The `POST /crm/v3/properties/deals` body; `label` replaces the English one."""
        body: dict[str, Any] = {
            "name": self.name,
            "label": label or self.label,
            "groupName": GROUP,
            "description": self.description,
        }
        if self.kind == "picklist":
            body.update(type="enumeration", fieldType="select")
            body["options"] = [
                {"label": v.replace("_", " ").capitalize(), "value": v, "displayOrder": i}
                for i, v in enumerate(self.options)
            ]
        elif self.kind == "checkbox":
            body.update(type="bool", fieldType="booleancheckbox")
            body["options"] = [
                {"label": "Yes", "value": "true", "displayOrder": 0},
                {"label": "No", "value": "false", "displayOrder": 1},
            ]
        elif self.kind == "date":
            body.update(type="date", fieldType="date")
        elif self.kind == "datetime":
            body.update(type="datetime", fieldType="date")
        elif self.kind == "number":
            body.update(type="number", fieldType="number")
        elif self.kind == "line":
            body.update(type="string", fieldType="text")
        else:
            body.update(type="string", fieldType="textarea")
        return body


def _prop(attribute: str, label: str, kind: str, options: tuple[str, ...] = ()) -> DealProperty:
    return DealProperty(f"dealgate_{attribute}", label, kind, options, attribute=attribute)


DEAL_PROPERTIES: tuple[DealProperty, ...] = (
    _prop("budget_status", "Budget status", "picklist", ("unknown", "estimated", "confirmed")),
    _prop("decision_process", "Decision process", "text"),
    _prop(
        "approval_status",
        "Approval status",
        "picklist",
        ("not_started", "drafted", "in_review", "approved", "rejected"),
    ),
    _prop("scope", "Project scope", "text"),
    _prop("reason", "Project reason", "text"),
    _prop("competitors", "Competitors", "text"),
    _prop("project_start", "Project start", "date"),
    _prop("project_end", "Project end", "date"),
    _prop("order_date", "Expected order date", "date"),
    _prop("proposal_status", "Proposal status", "picklist", ("none", "drafted", "presented")),
    _prop("why_needed", "Why needed", "text"),
    _prop("why_now", "Why now", "text"),
    _prop("why_us", "Why us", "text"),
    _prop("technical_fit", "Technical fit confirmed", "checkbox"),
    _prop("delivery_capacity", "Delivery capacity secured", "checkbox"),
    _prop("schedule_prepared", "Schedule prepared", "checkbox"),
    _prop("decision_maker_briefed", "Decision maker briefed", "checkbox"),
    _prop("informal_award", "Informal award received", "checkbox"),
    _prop("terms_agreed", "Terms agreed", "checkbox"),
    _prop("delivery_owner", "Delivery owner", "text"),
    _prop("invoice_sent", "Invoice sent", "checkbox"),
    _prop("delivery_done", "Delivery done", "checkbox"),
    _prop("qualification", "Qualification", "picklist", ("pursue", "pending", "drop")),
    _prop("invited_to_propose", "Invited to propose", "checkbox"),
    _prop("budget_amount", "Budget amount", "number"),
    _prop("budget_period", "Budget period", "text"),
    _prop("staffing_outlook", "Staffing outlook", "text"),
    _prop("customer_team", "Customer project team", "text"),
    _prop("selection_criteria", "Partner selection criteria", "text"),
    _prop("stakeholder_expectations", "Stakeholder expectations", "text"),
    _prop("gross_profit", "Gross profit", "number"),
    _prop("win_over_plan", "Plan to win over opponents", "text"),
    _prop("payment_received", "Payment received", "checkbox"),
)

VERDICT_NOTE = "Written by dealgate (its verdict on the deal); edits are overwritten."
PHASES = ("discovery", "define", "decision", "delivery", "maintenance")


def _verdict(attribute: str, label: str, kind: str, options: tuple[str, ...] = ()) -> DealProperty:
    return DealProperty(f"dealgate_{attribute}", label, kind, options, VERDICT_NOTE, attribute)


# The verdict dealgate writes (docs/design.md section 5), in the same group.
VERDICT_PROPERTIES: tuple[DealProperty, ...] = (
    _verdict("phase", "dealgate phase", "picklist", PHASES),
    _verdict("evidence_score", "dealgate evidence score", "number"),
    _verdict("missing_steps", "dealgate missing steps", "number"),
    _verdict("next_step", "dealgate next step", "line"),
    _verdict("stage_ahead", "dealgate stage ahead of evidence", "checkbox"),
    _verdict("verdict_at", "dealgate verdict at", "datetime"),
)

ROLE_LABELS: tuple[str, ...] = ("Decision maker", "Approver", "Influencer")
STANCE_LABELS: tuple[str, ...] = (
    "Supporter",
    "Cooperator",
    "Neutral",
    "Non-cooperative",
    "Opponent",
)


def label_name(label: str) -> str:
    """The internal name of an association label (`Non-cooperative` -> `non_cooperative`)."""
    return "".join(c if c.isalnum() else "_" for c in label.lower()).strip("_")


def _group_exists(transport: Transport) -> bool:
    """Whether the `dealgate` property group exists. A server without the groups endpoint
    (404: some proxies and test servers) is taken to accept any group name."""
    try:
        groups = transport.call("deal property groups", "property_groups", "get_all", vocab.DEALS)
    except RequestRejected as error:
        if error.status == 404:
            return True
        raise
    return GROUP in {g.get("name") for g in groups.get("results") or []}


def install_schema(
    transport: Transport, dry_run: bool = False, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Create the missing dealgate properties and labels; one line per thing (to be) created.
    `labels` gives a property's label by its attribute (`schema install` in Japanese); the
    others keep their English label. Association labels stay English: mappings match them."""
    verb = "would create" if dry_run else "created"
    lines: list[str] = []
    if not _group_exists(transport):
        if not dry_run:
            transport.call(
                "create property group",
                "property_groups",
                "create",
                vocab.DEALS,
                property_group_create={"name": GROUP, "label": GROUP_LABEL, "displayOrder": -1},
                idempotent=False,
            )
        lines.append(f"{verb} deal property group {GROUP}")
    existing = transport.call("deal properties", "properties", "get_all", vocab.DEALS)
    names = {p.get("name") for p in existing.get("results") or []}
    for prop in (*DEAL_PROPERTIES, *VERDICT_PROPERTIES):
        if prop.name in names:
            continue
        if not dry_run:
            transport.call(
                f"create deal property {prop.name}",
                "properties",
                "create",
                vocab.DEALS,
                property_create=prop.definition((labels or {}).get(prop.attribute)),
                idempotent=False,
            )
        lines.append(f"{verb} deal property {prop.name} ({prop.kind})")
    labels = transport.call(
        "deal->contact labels", "associations.labels", "get_all", vocab.DEALS, vocab.CONTACTS
    )
    have = {str(entry.get("label") or "").lower() for entry in labels.get("results") or []}
    for label in (*ROLE_LABELS, *STANCE_LABELS):
        if label.lower() in have:
            continue
        if not dry_run:
            transport.call(
                f"create association label {label}",
                "associations.labels",
                "create",
                vocab.DEALS,
                vocab.CONTACTS,
                public_association_definition_create_request={
                    "label": label,
                    "name": label_name(label),
                },
                idempotent=False,
            )
        lines.append(f"{verb} deal-contact association label {label!r}")
    return lines
