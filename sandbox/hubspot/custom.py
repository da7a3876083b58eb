"""The customizations a dealgate customer's portal carries: deal properties and key-person labels.

These are the defaults of dealgate's HubSpot mapping (`dealgate_<attribute>` deal properties and
deal-to-contact labels for role and stance). They are modelled here as plain portal data, the way
`dealgate schema install` would leave a portal, so the sandbox does not depend on the mapping code.
"""

from __future__ import annotations

from sandbox.hubspot.schema import PropertyDef
from sandbox.hubspot.store import HubSpotStore

GROUP = "dealgate"

ROLE_LABELS = ("Decision maker", "Approver", "Influencer")
STANCE_LABELS = ("Supporter", "Cooperator", "Neutral", "Non-cooperative", "Opponent")

_PICKLISTS: dict[str, tuple[str, ...]] = {
    "budget_status": ("unknown", "estimated", "confirmed"),
    "approval_status": ("not_started", "drafted", "in_review", "approved", "rejected"),
    "proposal_status": ("none", "drafted", "presented"),
    "qualification": ("pursue", "pending", "drop"),
}
_TEXTS = (
    "decision_process", "scope", "reason", "competitors", "why_needed", "why_now", "why_us",
    "delivery_owner", "budget_period", "staffing_outlook", "customer_team", "selection_criteria",
    "stakeholder_expectations", "win_over_plan",
)  # fmt: skip
_NUMBERS = ("budget_amount", "gross_profit")
_DATES = ("project_start", "project_end", "order_date")
_CHECKBOXES = (
    "technical_fit", "delivery_capacity", "schedule_prepared", "decision_maker_briefed",
    "informal_award", "terms_agreed", "invoice_sent", "delivery_done", "invited_to_propose",
    "payment_received",
)  # fmt: skip
# Labels `dealgate schema install` gives that are not the attribute's own words.
_LABELS = {
    "scope": "Project scope",
    "reason": "Project reason",
    "order_date": "Expected order date",
    "technical_fit": "Technical fit confirmed",
    "delivery_capacity": "Delivery capacity secured",
    "informal_award": "Informal award received",
    "customer_team": "Customer project team",
    "selection_criteria": "Partner selection criteria",
    "win_over_plan": "Plan to win over opponents",
}


def _label(attribute: str) -> str:
    return _LABELS.get(attribute) or attribute.replace("_", " ").capitalize()


def dealgate_properties() -> list[PropertyDef]:
    """The `dealgate_*` deal property definitions (picklists, text, numbers, dates, checkboxes)."""
    defs: list[PropertyDef] = []
    for attribute, values in _PICKLISTS.items():
        options = tuple((v, v.replace("_", " ").capitalize()) for v in values)
        defs.append(
            PropertyDef(f"dealgate_{attribute}", _label(attribute), "enumeration", "select",
                        GROUP, options, hubspot_defined=False)
        )  # fmt: skip
    for attribute in _TEXTS:
        defs.append(
            PropertyDef(f"dealgate_{attribute}", _label(attribute), "string", "textarea", GROUP,
                        hubspot_defined=False)
        )  # fmt: skip
    for attribute in _NUMBERS:
        defs.append(
            PropertyDef(f"dealgate_{attribute}", _label(attribute), "number", "number", GROUP,
                        hubspot_defined=False)
        )  # fmt: skip
    for attribute in _DATES:
        defs.append(
            PropertyDef(f"dealgate_{attribute}", _label(attribute), "date", "date", GROUP,
                        hubspot_defined=False)
        )  # fmt: skip
    for attribute in _CHECKBOXES:
        defs.append(
            PropertyDef(f"dealgate_{attribute}", _label(attribute), "bool", "booleancheckbox",
                        GROUP, (("true", "Yes"), ("false", "No")), hubspot_defined=False)
        )  # fmt: skip
    return defs


PHASES = ("discovery", "define", "decision", "delivery", "maintenance")


def verdict_properties() -> list[PropertyDef]:
    """The deal properties dealgate writes its verdict into."""
    return [
        PropertyDef("dealgate_phase", "dealgate phase", "enumeration", "select", GROUP,
                    tuple((p, p.capitalize()) for p in PHASES), hubspot_defined=False),
        PropertyDef("dealgate_evidence_score", "dealgate evidence score", "number", "number",
                    GROUP, hubspot_defined=False),
        PropertyDef("dealgate_missing_steps", "dealgate missing steps", "number", "number",
                    GROUP, hubspot_defined=False),
        PropertyDef("dealgate_next_step", "dealgate next step", "string", "text", GROUP,
                    hubspot_defined=False),
        PropertyDef("dealgate_stage_ahead", "dealgate stage ahead of evidence", "bool",
                    "booleancheckbox", GROUP, (("true", "Yes"), ("false", "No")),
                    hubspot_defined=False),
        PropertyDef("dealgate_verdict_at", "dealgate verdict at", "datetime", "date", GROUP,
                    hubspot_defined=False),
    ]  # fmt: skip


def install_dealgate_schema(store: HubSpotStore) -> None:
    """Add the dealgate deal properties and the deal-to-contact role and stance labels."""
    with store.lock:
        for definition in dealgate_properties() + verdict_properties():
            if definition.name not in store.properties["deals"]:
                store.add_property("deals", definition)
        for label in ROLE_LABELS + STANCE_LABELS:
            if store.associations.find_label("deals", "contacts", label) is None:
                store.create_label("deals", "contacts", label)
