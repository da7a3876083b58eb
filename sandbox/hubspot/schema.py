"""What a fresh HubSpot portal has before anyone customizes it.

Standard property definitions of deals, contacts and tasks; the deal pipelines (HubSpot's
`default` sales pipeline with its standard stage ids, plus a `renewals` pipeline); and the
HUBSPOT_DEFINED association types between the three objects, with their fixed type ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.hubspot.wire import iso_ms

PROPERTY_TYPES = frozenset({"string", "number", "date", "datetime", "enumeration", "bool"})
FIELD_TYPES = frozenset(
    {"textarea", "text", "date", "file", "number", "select", "radio", "checkbox",
     "booleancheckbox", "calculation_equation", "phonenumber", "html"}
)  # fmt: skip


@dataclass(frozen=True)
class PropertyDef:
    """One property definition as `GET /crm/v3/properties/{objectType}` describes it."""

    name: str
    label: str
    type: str  # string, number, date, datetime, enumeration, bool
    field_type: str
    group_name: str
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    description: str = ""
    hubspot_defined: bool = True
    read_only: bool = False  # maintained by HubSpot itself
    created_ms: int = 0

    def to_json(self, options: tuple[tuple[str, str], ...] | None = None) -> dict[str, Any]:
        """The `ModelProperty` JSON; `options` overrides the stored ones (pipelines, owners)."""
        opts = self.options if options is None else options
        stamp = iso_ms(self.created_ms)
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "groupName": self.group_name,
            "description": self.description,
            "options": [
                {"value": v, "label": lbl, "displayOrder": i, "hidden": False}
                for i, (v, lbl) in enumerate(opts)
            ],
            "displayOrder": -1,
            "calculated": False,
            "externalOptions": self.name in {"pipeline", "dealstage", "hubspot_owner_id"},
            "hasUniqueValue": self.name == "hs_object_id",
            "hidden": False,
            "hubspotDefined": self.hubspot_defined,
            "formField": not self.read_only,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }


def _text(name: str, label: str, group: str, area: bool = False) -> PropertyDef:
    return PropertyDef(name, label, "string", "textarea" if area else "text", group)


def _number(name: str, label: str, group: str, read_only: bool = False) -> PropertyDef:
    return PropertyDef(name, label, "number", "number", group, read_only=read_only)


def _datetime(name: str, label: str, group: str, read_only: bool = False) -> PropertyDef:
    return PropertyDef(name, label, "datetime", "date", group, read_only=read_only)


def _enum(name: str, label: str, group: str, values: tuple[str, ...]) -> PropertyDef:
    options = tuple((v, v.replace("_", " ").title()) for v in values)
    return PropertyDef(name, label, "enumeration", "select", group, options)


TASK_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
TASK_PRIORITIES = ("LOW", "MEDIUM", "HIGH")
CURRENCIES = ("JPY", "USD", "EUR", "GBP")


def standard_properties() -> dict[str, list[PropertyDef]]:
    """The standard property definitions of each object type, in display order."""
    deals = [
        _text("dealname", "Deal Name", "dealinformation"),
        _number("amount", "Amount", "dealinformation"),
        _datetime("closedate", "Close Date", "dealinformation"),
        _enum("pipeline", "Pipeline", "dealinformation", ()),
        PropertyDef("dealstage", "Deal Stage", "enumeration", "radio", "dealinformation"),
        _enum("hubspot_owner_id", "Deal owner", "dealinformation", ()),
        _enum("deal_currency_code", "Currency", "dealinformation", CURRENCIES),
        _enum("dealtype", "Deal Type", "dealinformation", ("newbusiness", "existingbusiness")),
        _text("description", "Deal Description", "dealinformation", area=True),
        _datetime("createdate", "Create Date", "dealinformation", read_only=True),
        _datetime("hs_lastmodifieddate", "Last Modified Date", "dealinformation", True),
        _number("hs_object_id", "Record ID", "dealinformation", read_only=True),
    ]
    contacts = [
        _text("firstname", "First Name", "contactinformation"),
        _text("lastname", "Last Name", "contactinformation"),
        _text("email", "Email", "contactinformation"),
        _text("company", "Company Name", "contactinformation"),
        _text("jobtitle", "Job Title", "contactinformation"),
        _text("phone", "Phone Number", "contactinformation"),
        _enum("hubspot_owner_id", "Contact owner", "contactinformation", ()),
        _datetime("notes_last_contacted", "Last Contacted", "contact_activity", read_only=True),
        _datetime("createdate", "Create Date", "contactinformation", read_only=True),
        _datetime("lastmodifieddate", "Last Modified Date", "contactinformation", True),
        _number("hs_object_id", "Record ID", "contactinformation", read_only=True),
    ]
    tasks = [
        _datetime("hs_timestamp", "Due date", "task"),
        _text("hs_task_subject", "Task Title", "task"),
        PropertyDef("hs_task_body", "Notes", "string", "html", "task"),
        _enum("hs_task_status", "Task Status", "task", TASK_STATUSES),
        _enum("hs_task_priority", "Priority", "task", TASK_PRIORITIES),
        _enum("hs_task_type", "Task Type", "task", ("TODO", "CALL", "EMAIL")),
        _enum("hubspot_owner_id", "Assigned to", "task", ()),
        _datetime("hs_task_completion_date", "Completed at", "task", read_only=True),
        _datetime("hs_createdate", "Created at", "task", read_only=True),
        _datetime("hs_lastmodifieddate", "Last Modified Date", "task", read_only=True),
        _number("hs_object_id", "Record ID", "task", read_only=True),
    ]
    # `notes_last_contacted` is computed from activities in HubSpot; writing it is refused there
    # too, but the store's direct API (and seeds) may set it.
    return {"deals": deals, "contacts": contacts, "tasks": tasks}


# pipelines -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    probability: float
    is_closed: bool


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: tuple[Stage, ...] = field(default_factory=tuple)

    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    def to_json(self, display_order: int, created_ms: int) -> dict[str, Any]:
        """The `Pipeline` JSON of `GET /crm/v3/pipelines/deals`."""
        stamp = iso_ms(created_ms)
        return {
            "id": self.id,
            "label": self.label,
            "displayOrder": display_order,
            "archived": False,
            "createdAt": stamp,
            "updatedAt": stamp,
            "stages": [
                {
                    "id": s.id,
                    "label": s.label,
                    "displayOrder": i,
                    "metadata": {
                        "isClosed": "true" if s.is_closed else "false",
                        "probability": repr(s.probability),
                    },
                    "archived": False,
                    "createdAt": stamp,
                    "updatedAt": stamp,
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                }
                for i, s in enumerate(self.stages)
            ],
        }


PIPELINES: tuple[Pipeline, ...] = (
    Pipeline(
        "default",
        "Sales Pipeline",
        (
            Stage("appointmentscheduled", "Appointment Scheduled", 0.2, False),
            Stage("qualifiedtobuy", "Qualified To Buy", 0.4, False),
            Stage("presentationscheduled", "Presentation Scheduled", 0.6, False),
            Stage("decisionmakerboughtin", "Decision Maker Bought-In", 0.8, False),
            Stage("contractsent", "Contract Sent", 0.9, False),
            Stage("closedwon", "Closed Won", 1.0, True),
            Stage("closedlost", "Closed Lost", 0.0, True),
        ),
    ),
    Pipeline(
        "renewals",
        "Renewals",
        (
            Stage("renewal_identified", "Renewal Identified", 0.3, False),
            Stage("renewal_quoted", "Renewal Quoted", 0.7, False),
            Stage("renewal_won", "Renewed", 1.0, True),
            Stage("renewal_lost", "Not Renewed", 0.0, True),
        ),
    ),
)


# associations ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssociationType:
    """One direction of an association type; `inverse_id` is the other direction's id."""

    type_id: int
    from_type: str
    to_type: str
    category: str  # HUBSPOT_DEFINED or USER_DEFINED
    name: str
    label: str | None
    inverse_id: int

    def spec(self) -> dict[str, Any]:
        """`{category, typeId, label}` as the v4 endpoints print it."""
        return {"category": self.category, "typeId": self.type_id, "label": self.label}


HUBSPOT_DEFINED: tuple[AssociationType, ...] = (
    AssociationType(3, "deals", "contacts", "HUBSPOT_DEFINED", "deal_to_contact", None, 4),
    AssociationType(4, "contacts", "deals", "HUBSPOT_DEFINED", "contact_to_deal", None, 3),
    AssociationType(215, "deals", "tasks", "HUBSPOT_DEFINED", "deal_to_task", None, 216),
    AssociationType(216, "tasks", "deals", "HUBSPOT_DEFINED", "task_to_deal", None, 215),
    AssociationType(203, "contacts", "tasks", "HUBSPOT_DEFINED", "contact_to_task", None, 204),
    AssociationType(204, "tasks", "contacts", "HUBSPOT_DEFINED", "task_to_contact", None, 203),
)

FIRST_USER_TYPE_ID = 1001
