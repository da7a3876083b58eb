"""The mapping file format, validated by pydantic, and the checks pydantic cannot express.

```yaml
crm: salesforce                 # or hubspot
extends: builtin                # optional: override pieces of the bundled default
maintenance_after_days: 90      # a won deal enters maintenance this long after its close date
fields:                         # attribute -> CRM field of the deal (null: not mapped)
  budget_status: Budget_Status__c
  approval_status:              # with a translation of the CRM's own labels
    field: Approval__c
    values: {"Submitted": in_review, "OK": approved}
contacts:
  roles_from: link.Role         # a link (`link.`) or contact (`contact.`) field, or `labels`
  roles: {Decision Maker: D, Executive Sponsor: A, Influencer: I, Other: none}
  stance_from: link.Stance__c   # or `labels` (HubSpot association labels)
  stances: {"○": supporter}
  last_contacted: contact.LastActivityDate
  name: [contact.Name]
pipelines:                      # HubSpot pipeline id or Salesforce record type id; "*" = any
  "*":
    stages: {Prospecting: discovery, Closed Won: delivery, Closed Lost: none}
```

A pipeline's `stages` map a stage value to a phase, or to `none` for a closed-lost stage whose
deals are in no phase.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gates.snapshot import (
    EVIDENCE_ATTRIBUTES,
    ApprovalStatus,
    BudgetStatus,
    Phase,
    ProposalStatus,
    Qualification,
    Role,
    Stance,
)
from mappings.values import label_key

# Deal attributes every CRM has, with their value types.
STANDARD_ATTRIBUTES: dict[str, str] = {
    "name": "text",
    "stage": "text",
    "pipeline": "text",
    "owner": "text",
    "amount": "number",
    "currency": "text",
    "close_date": "date",
    "created_at": "datetime",
    "modified_at": "datetime",
}

ATTRIBUTE_TYPES: dict[str, str] = {**STANDARD_ATTRIBUTES, **EVIDENCE_ATTRIBUTES}

ENUMS: dict[
    str,
    type[BudgetStatus] | type[ApprovalStatus] | type[ProposalStatus] | type[Qualification],
] = {
    "enum:budget_status": BudgetStatus,
    "enum:approval_status": ApprovalStatus,
    "enum:proposal_status": ProposalStatus,
    "enum:qualification": Qualification,
}

NO_PHASE = "none"  # a stage whose deals are in no phase (closed lost)
LABELS = "labels"  # roles or stance from the labels of the deal-contact association
ANY_PIPELINE = "*"
FIELD_PREFIXES = ("link.", "contact.")

Path = tuple[str, ...]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Model):
    """The CRM field behind one attribute, with an optional translation of its values."""

    field: str = Field(min_length=1)
    values: dict[str, str | bool] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `budget_status: Budget_Status__c` is short for `{field: Budget_Status__c}`.
        return {"field": value} if isinstance(value, str) else value


class ContactsSpec(_Model):
    """Where key persons come from: roles, stances, last contact and names."""

    roles_from: str = LABELS
    roles: dict[str, str | None] = Field(default_factory=dict)
    stance_from: str | None = None
    stances: dict[str, str] = Field(default_factory=dict)
    last_contacted: str | None = None
    name: list[str] = Field(default_factory=list)


class PipelineSpec(_Model):
    """The stages of one pipeline (or record type) and their phases."""

    stages: dict[str, str | None] = Field(default_factory=dict)


class MappingFile(_Model):
    """One mapping file, after `extends: builtin` has been merged in."""

    crm: Literal["salesforce", "hubspot"]
    extends: Literal["builtin"] | None = None
    maintenance_after_days: int = Field(90, ge=0)
    fields: dict[str, FieldSpec | None] = Field(default_factory=dict)
    contacts: ContactsSpec = Field(default_factory=ContactsSpec)
    pipelines: dict[str, PipelineSpec] = Field(default_factory=dict)


# -- checks beyond the types -----------------------------------------------------------------
# They read the raw data, entry by entry, so that they report together with the type errors of
# other entries; an entry of the wrong shape is left to the type errors.


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _choices(options: list[str]) -> str:
    return ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_values(attribute: str, values: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    kind = ATTRIBUTE_TYPES[attribute]
    base: Path = ("fields", attribute, "values")
    if values and kind not in ENUMS and kind != "bool":
        yield base, f"{attribute} is {kind}: only picklist and checkbox attributes take values"
        return
    for label, target in values.items():
        where = (*base, label)
        if kind == "bool":
            if not isinstance(target, bool):
                yield where, f"{attribute} is a checkbox: translate {label!r} to true or false"
            continue
        ids = [member.value for member in ENUMS[kind]]
        if not isinstance(target, str) or target not in ids:
            yield (
                where,
                (
                    f"unknown {attribute} value {target!r} (expected {_choices(ids)})"
                    f"{_suggest(str(target), ids)}"
                ),
            )
        elif label_key(label) in ids and label_key(label) != target:
            yield where, f"{label!r} already reads as {attribute} {label_key(label)}"
    yield from _check_same_key(base, values, "value label")


def _check_fields(fields: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    known = list(ATTRIBUTE_TYPES)
    for attribute, entry in fields.items():
        if attribute not in ATTRIBUTE_TYPES:
            yield (
                ("fields", attribute),
                (f"unknown attribute {attribute!r}{_suggest(attribute, known)}"),
            )
        elif isinstance(entry, dict):
            yield from _check_values(attribute, _table(entry.get("values")))


def _check_source(path: Path, value: Any, allow_labels: bool) -> Iterator[tuple[Path, str]]:
    if not isinstance(value, str) or (allow_labels and value == LABELS):
        return
    prefix, _, name = value.partition(".")
    if f"{prefix}." not in FIELD_PREFIXES or not name:
        expected = "`labels`, " if allow_labels else ""
        yield path, f"expected {expected}`link.<field>` or `contact.<field>`, got {value!r}"


def _check_contacts(contacts: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    for key in ("roles_from", "stance_from", "last_contacted"):
        yield from _check_source(("contacts", key), contacts.get(key), key != "last_contacted")
    names = contacts.get("name")
    for i, name in enumerate(names if isinstance(names, list) else []):
        yield from _check_source(("contacts", "name", str(i)), name, allow_labels=False)
    roles_table, stances_table = _table(contacts.get("roles")), _table(contacts.get("stances"))
    roles = [role.value for role in Role]
    for label, target in roles_table.items():
        if isinstance(target, str) and target != NO_PHASE and target not in roles:
            yield (
                ("contacts", "roles", label),
                (f"unknown role {target!r} for {label!r} (expected {_choices([*roles, 'none'])})"),
            )
    stances = [stance.value for stance in Stance]
    for label, target in stances_table.items():
        if isinstance(target, str) and target not in stances:
            yield (
                ("contacts", "stances", label),
                (
                    f"unknown stance {target!r} for {label!r} (expected {_choices(stances)})"
                    f"{_suggest(target, stances)}"
                ),
            )
    yield from _check_same_key(("contacts", "roles"), roles_table, "role label")
    yield from _check_same_key(("contacts", "stances"), stances_table, "stance label")


def _check_same_key(path: Path, table: dict[str, Any], what: str) -> Iterator[tuple[Path, str]]:
    # Labels are matched case-insensitively, so "Influencer" and "influencer" are one label.
    seen: dict[str, str] = {}
    for label in table:
        key = label_key(label)
        if key in seen:
            yield (*path, label), f"{what} {label!r} is mapped twice (also as {seen[key]!r})"
        else:
            seen[key] = label


def _check_pipelines(pipelines: Any) -> Iterator[tuple[Path, str]]:
    if not pipelines:
        yield ("pipelines",), "no pipeline is mapped: every deal would be skipped"
    phases = [phase.value for phase in Phase]
    for pipeline, spec in _table(pipelines).items():
        for stage, target in _table(_table(spec).get("stages")).items():
            if isinstance(target, str) and target != NO_PHASE and target not in phases:
                yield (
                    ("pipelines", pipeline, "stages", stage),
                    (
                        f"unknown phase {target!r} for stage {stage!r} "
                        f"(expected {_choices([*phases, NO_PHASE])}){_suggest(target, phases)}"
                    ),
                )


def check(data: dict[str, Any]) -> list[tuple[Path, str]]:
    """Every problem pydantic's types cannot see, each with the key path it is about."""
    return [
        *_check_fields(_table(data.get("fields"))),
        *_check_contacts(_table(data.get("contacts"))),
        *_check_pipelines(data.get("pipelines")),
    ]
