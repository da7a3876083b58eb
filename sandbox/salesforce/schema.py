"""The org's metadata: sObject types, their fields and relationships, and the standard stages.

Each store holds its own copy (`default_schema()`), so a test can remove a custom field from the
org and see queries and describe calls change, as they would after an admin deletes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass
class Field:
    """One field as describe reports it, plus what the store needs to enforce it."""

    name: str
    type: str
    label: str
    length: int = 0
    picklist: tuple[str, ...] = ()
    restricted: bool = False  # restricted picklist: other values are refused
    createable: bool = True
    updateable: bool = True
    required: bool = False  # required on create (after defaults)
    custom: bool = False
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None  # parent relationship name for paths, e.g. "Owner"
    default: Any = None  # org default on create

    @property
    def system(self) -> bool:
        """Set by the platform only: neither createable nor updateable."""
        return not self.createable and not self.updateable


@dataclass(frozen=True)
class ChildRelationship:
    """A parent-to-child relationship usable as a subquery, e.g. Opportunity.Tasks."""

    name: str
    child: str
    field: str


@dataclass
class SObjectType:
    """An sObject type: its key prefix, fields (in slot order) and relationships."""

    name: str
    label: str
    key_prefix: str
    fields: dict[str, Field]
    children: dict[str, ChildRelationship] = dc_field(default_factory=dict)
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    slots: dict[str, int] = dc_field(default_factory=dict)  # storage slot per field, never reused

    def __post_init__(self) -> None:
        if not self.slots:
            self.slots = {name: index for index, name in enumerate(self.fields)}

    def field(self, name: str) -> Field | None:
        """The field called `name`, case-insensitively (SOQL and JSON keys are)."""
        found = self.fields.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        for candidate in self.fields.values():
            if candidate.name.lower() == lowered:
                return candidate
        return None

    def parent(self, relationship: str) -> Field | None:
        """The reference field behind a parent relationship name, case-insensitively."""
        lowered = relationship.lower()
        for candidate in self.fields.values():
            if candidate.relationship and candidate.relationship.lower() == lowered:
                return candidate
        return None

    def child(self, relationship: str) -> ChildRelationship | None:
        """The child relationship called `relationship`, case-insensitively."""
        lowered = relationship.lower()
        for rel in self.children.values():
            if rel.name.lower() == lowered:
                return rel
        return None


STAGES: tuple[tuple[str, bool, bool, float], ...] = (
    # (name, is_closed, is_won, default probability), in sort order
    ("Prospecting", False, False, 10.0),
    ("Qualification", False, False, 10.0),
    ("Needs Analysis", False, False, 20.0),
    ("Value Proposition", False, False, 50.0),
    ("Id. Decision Makers", False, False, 60.0),
    ("Perception Analysis", False, False, 70.0),
    ("Proposal/Price Quote", False, False, 75.0),
    ("Negotiation/Review", False, False, 90.0),
    ("Closed Won", True, True, 100.0),
    ("Closed Lost", True, False, 0.0),
)
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_PRIORITIES = ("High", "Normal", "Low")
CONTACT_ROLES = (
    "Business User",
    "Decision Maker",
    "Economic Buyer",
    "Economic Decision Maker",
    "Evaluator",
    "Executive Sponsor",
    "Influencer",
    "Technical Buyer",
    "Other",
)
STANCES = ("supporter", "cooperator", "neutral", "non_cooperative", "opponent")
CURRENCIES = ("JPY", "USD", "EUR")

# Custom Opportunity fields holding deal evidence: (name, type, label, picklist values), typed and
# labelled as `dealgate schema install` lists them.
EVIDENCE_FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Budget_Status__c", "picklist", "Budget status", ("unknown", "estimated", "confirmed")),
    ("Decision_Process__c", "textarea", "Decision process", ()),
    (
        "Approval_Status__c",
        "picklist",
        "Approval status",
        ("not_started", "drafted", "in_review", "approved", "rejected"),
    ),
    ("Project_Scope__c", "textarea", "Project scope", ()),
    ("Project_Reason__c", "textarea", "Project reason", ()),
    ("Competitors__c", "string", "Competitors", ()),
    ("Project_Start__c", "date", "Project start", ()),
    ("Project_End__c", "date", "Project end", ()),
    ("Order_Date__c", "date", "Order date", ()),
    ("Proposal_Status__c", "picklist", "Proposal status", ("none", "drafted", "presented")),
    ("Why_Needed__c", "textarea", "Why needed", ()),
    ("Why_Now__c", "textarea", "Why now", ()),
    ("Why_Us__c", "textarea", "Why us", ()),
    ("Technical_Fit__c", "boolean", "Technical fit confirmed", ()),
    ("Delivery_Capacity__c", "boolean", "Delivery capacity secured", ()),
    ("Schedule_Prepared__c", "boolean", "Schedule prepared", ()),
    ("Decision_Maker_Briefed__c", "boolean", "Decision maker briefed", ()),
    ("Informal_Award__c", "boolean", "Informal award received", ()),
    ("Terms_Agreed__c", "boolean", "Terms agreed", ()),
    ("Delivery_Owner__c", "string", "Delivery owner", ()),
    ("Invoice_Sent__c", "boolean", "Invoice sent", ()),
    ("Delivery_Done__c", "boolean", "Delivery done", ()),
)
# The evidence of the course's finer steps (qualification, the budget's content, staffing, the
# customer's team, agreement conditions, gross profit, the plan for opponents, payment).
METHOD_EVIDENCE_FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Qualification__c", "picklist", "Qualification", ("pursue", "pending", "drop")),
    ("Invited_To_Propose__c", "boolean", "Invited to propose", ()),
    ("Budget_Amount__c", "double", "Budget amount", ()),
    ("Budget_Period__c", "string", "Budget period", ()),
    ("Staffing_Outlook__c", "textarea", "Staffing outlook", ()),
    ("Customer_Team__c", "textarea", "Customer project team", ()),
    ("Selection_Criteria__c", "textarea", "Partner selection criteria", ()),
    ("Stakeholder_Expectations__c", "textarea", "Stakeholder expectations", ()),
    ("Gross_Profit__c", "double", "Gross profit", ()),
    ("Win_Over_Plan__c", "textarea", "Plan to win over opponents", ()),
    ("Payment_Received__c", "boolean", "Payment received", ()),
)
ALL_EVIDENCE_FIELDS = EVIDENCE_FIELDS + METHOD_EVIDENCE_FIELDS


# The verdict dealgate writes on each opportunity (docs/design.md section 5), as an org set up
# with `dealgate schema install`'s field list has it.
PHASES = ("discovery", "define", "decision", "delivery", "maintenance")


def _verdict() -> list[Field]:
    return [
        Field("Dealgate_Phase__c", "picklist", "dealgate phase", 255, PHASES, restricted=True,
              custom=True),
        Field("Dealgate_Evidence_Score__c", "double", "dealgate evidence score", custom=True),
        Field("Dealgate_Missing_Steps__c", "double", "dealgate missing steps", custom=True),
        Field("Dealgate_Next_Step__c", "string", "dealgate next step", 255, custom=True),
        Field("Dealgate_Stage_Ahead__c", "boolean", "dealgate stage ahead", custom=True,
              default=False),
        Field("Dealgate_Verdict_At__c", "datetime", "dealgate verdict at", custom=True),
    ]  # fmt: skip


def _id() -> Field:
    return Field("Id", "id", "Record ID", 18, createable=False, updateable=False)


def _system(name: str, kind: str, label: str) -> Field:
    return Field(name, kind, label, createable=False, updateable=False)


def _audit() -> list[Field]:
    return [
        _system("IsDeleted", "boolean", "Deleted"),
        _system("CreatedDate", "datetime", "Created Date"),
        _system("LastModifiedDate", "datetime", "Last Modified Date"),
        _system("SystemModstamp", "datetime", "System Modstamp"),
    ]


def _owner(label: str = "Owner ID") -> Field:
    return Field("OwnerId", "reference", label, 18, reference_to=("User",), relationship="Owner")


def _picklist(name: str, label: str, values: tuple[str, ...], **kw: Any) -> Field:
    return Field(name, "picklist", label, 255, picklist=values, **kw)


def _make(name: str, label: str, prefix: str, fields: list[Field], **kw: Any) -> SObjectType:
    return SObjectType(name, label, prefix, {f.name: f for f in fields}, **kw)


# Evidence texts installed as Text Area (255): only Decision_Process__c is a long text area, so
# a query of the evidence fields is not capped at 200 records a page (two or more long text
# fields would cap it), as in an org set up with `dealgate schema install`'s field list.
SHORT_TEXT_AREAS = frozenset(
    {
        "Project_Scope__c",
        "Project_Reason__c",
        "Why_Needed__c",
        "Why_Now__c",
        "Why_Us__c",
        "Staffing_Outlook__c",
        "Customer_Team__c",
        "Selection_Criteria__c",
        "Stakeholder_Expectations__c",
        "Win_Over_Plan__c",
    }
)


def _evidence() -> list[Field]:
    out = []
    for name, kind, label, values in ALL_EVIDENCE_FIELDS:
        length = {"textarea": 32768, "string": 255, "picklist": 255}.get(kind, 0)
        if name in SHORT_TEXT_AREAS:
            length = 255
        boolean_default = False if kind == "boolean" else None
        out.append(Field(name, kind, label, length, values, custom=True, default=boolean_default))
    return out


def default_schema() -> dict[str, SObjectType]:
    """A fresh copy of the sandbox org's metadata."""
    return copy.deepcopy(_SCHEMA)


_SCHEMA: dict[str, SObjectType] = {
    "User": _make(
        "User",
        "User",
        "005",
        [
            _id(),
            Field("Name", "string", "Full Name", 121, createable=False, updateable=False),
            Field("Email", "email", "Email", 128, required=True),
            Field("IsActive", "boolean", "Active", default=True),
            _system("SystemModstamp", "datetime", "System Modstamp"),
        ],
        createable=False,
        deletable=False,
    ),
    "OpportunityStage": _make(
        "OpportunityStage",
        "Opportunity Stage",
        "01J",
        [
            _id(),
            _system("MasterLabel", "string", "Master Label"),
            _system("ApiName", "string", "Api Name"),
            _system("IsActive", "boolean", "Is Active"),
            _system("IsClosed", "boolean", "Closed"),
            _system("IsWon", "boolean", "Won"),
            _system("DefaultProbability", "percent", "Probability (%)"),
            _system("SortOrder", "int", "Sort Order"),
        ],
        createable=False,
        updateable=False,
        deletable=False,
    ),
    "Opportunity": _make(
        "Opportunity",
        "Opportunity",
        "006",
        [
            _id(),
            Field("Name", "string", "Name", 120, required=True),
            _picklist(
                "StageName", "Stage", tuple(s[0] for s in STAGES), restricted=True, required=True
            ),
            _owner("Owner ID"),
            Field("Amount", "currency", "Amount"),
            _picklist(
                "CurrencyIsoCode",
                "Opportunity Currency",
                CURRENCIES,
                restricted=True,
                default="JPY",
            ),
            Field("CloseDate", "date", "Close Date", required=True),
            _system("IsClosed", "boolean", "Closed"),
            _system("IsWon", "boolean", "Won"),
            Field("RecordTypeId", "reference", "Record Type ID", 18, reference_to=("RecordType",)),
            Field("Probability", "percent", "Probability (%)"),
            *_audit(),
            *_evidence(),
            *_verdict(),
        ],
        children={
            "OpportunityContactRoles": ChildRelationship(
                "OpportunityContactRoles", "OpportunityContactRole", "OpportunityId"
            ),
            "Tasks": ChildRelationship("Tasks", "Task", "WhatId"),
        },
    ),
    "Contact": _make(
        "Contact",
        "Contact",
        "003",
        [
            _id(),
            Field("FirstName", "string", "First Name", 40),
            Field("LastName", "string", "Last Name", 80, required=True),
            Field("Name", "string", "Full Name", 121, createable=False, updateable=False),
            Field("Email", "email", "Email", 80),
            Field("LastActivityDate", "date", "Last Activity", createable=False, updateable=False),
            *_audit(),
        ],
        children={
            "OpportunityContactRoles": ChildRelationship(
                "OpportunityContactRoles", "OpportunityContactRole", "ContactId"
            ),
            "Tasks": ChildRelationship("Tasks", "Task", "WhoId"),
        },
    ),
    "OpportunityContactRole": _make(
        "OpportunityContactRole",
        "Contact Role",
        "00K",
        [
            _id(),
            Field(
                "OpportunityId",
                "reference",
                "Opportunity ID",
                18,
                updateable=False,
                required=True,
                reference_to=("Opportunity",),
                relationship="Opportunity",
            ),
            Field(
                "ContactId",
                "reference",
                "Contact ID",
                18,
                required=True,
                reference_to=("Contact",),
                relationship="Contact",
            ),
            _picklist("Role", "Role", CONTACT_ROLES, restricted=True),
            Field("IsPrimary", "boolean", "Primary", default=False),
            _picklist("Stance__c", "Stance", STANCES, custom=True),
            *_audit(),
        ],
    ),
    "Task": _make(
        "Task",
        "Task",
        "00T",
        [
            _id(),
            Field("Subject", "combobox", "Subject", 255),
            Field("Description", "textarea", "Description", 32000),
            Field("WhatId", "reference", "Related To ID", 18, reference_to=("Opportunity",)),
            Field("WhoId", "reference", "Name ID", 18, reference_to=("Contact",)),
            _owner("Assigned To ID"),
            Field("ActivityDate", "date", "Due Date Only"),
            _picklist(
                "Status",
                "Status",
                TASK_STATUSES,
                restricted=True,
                required=True,
                default="Not Started",
            ),
            _picklist(
                "Priority",
                "Priority",
                TASK_PRIORITIES,
                restricted=True,
                required=True,
                default="Normal",
            ),
            _system("IsClosed", "boolean", "Closed"),
            _system("CompletedDateTime", "datetime", "Completed Date/Time"),
            *_audit(),
        ],
    ),
}
