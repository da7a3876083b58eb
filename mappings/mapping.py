"""A validated mapping, compiled for use: what to read, what is missing, how to show it.

Field names for the deal-contact link and the contact carry the prefixes of the field-existence
convention (`link.Stance__c`, `contact.LastActivityDate`), so they can be checked against
`Connector.existing_fields()` as they are; `ReadSpec` gets them without the prefix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from connector.base import RawDeal, ReadSpec, StageInfo
from gates.snapshot import Phase, Role, Stance
from mappings import normalize as _normalize
from mappings.model import ANY_PIPELINE, ATTRIBUTE_TYPES, ENUMS, LABELS, NO_PHASE, MappingFile
from mappings.values import label_key

_ROLE_NAMES = {
    Role.DECISION_MAKER: "decision maker",
    Role.APPROVER: "approver",
    Role.INFLUENCER: "influencer",
}
_PIPELINE_FALLBACK = ' (every deal takes the "*" stage map)'
_WHERE = {"deal": "on the deal", "link": "on the deal-contact link", "contact": "on the contact"}


class MissingField(str):
    """A mapped field the CRM lacks: its English line as the string value
    ("budget_status -> Budget_Status__c: no such field on the deal"), plus its parts, so that a
    report can say it in another language. `on` is `deal`, `link` or `contact`."""

    what: str
    field: str
    on: str

    def __new__(cls, what: str, field: str, on: str) -> MissingField:
        line = f"{what} -> {field}: no such field {_WHERE[on]}"
        if on == "deal" and what == "pipeline":
            line += _PIPELINE_FALLBACK
        self = super().__new__(cls, line)
        self.what, self.field, self.on = what, field, on
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (MissingField, (self.what, self.field, self.on))


@dataclass(frozen=True, slots=True)
class FieldMap:
    """One attribute, the CRM field behind it, and its value translation (by `label_key`)."""

    attribute: str
    field: str
    kind: str  # text, number, bool, date, datetime, enum:<name>
    translation: Mapping[str, Any]
    labels: Mapping[str, Any]  # the translation as written, for display


@dataclass(frozen=True, slots=True)
class ContactMap:
    """Where a contact's role, stance, last contact and name come from."""

    roles_from: str  # `labels` or a prefixed field
    roles: Mapping[str, Role | None]  # label_key -> role
    stance_from: str | None  # `labels`, a prefixed field, or None (no stances)
    stances: Mapping[str, Stance]  # label_key -> stance
    last_contacted: str | None  # prefixed field
    name: tuple[str, ...]  # prefixed fields, joined with spaces
    role_labels: Mapping[str, Role | None]  # the role table as written, for display
    stance_labels: Mapping[str, Stance]  # the stance table as written, for display

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(purpose, prefixed field) for every contact-side field the mapping reads."""
        found = [("contacts.roles", self.roles_from), ("contacts.stance", self.stance_from)]
        found += [("last_contacted", self.last_contacted)]
        found += [("contacts.name", name) for name in self.name]
        return tuple((what, f) for what, f in found if f is not None and f != LABELS)


def _member(kind: str, target: str | bool) -> Any:
    return target if isinstance(target, bool) else ENUMS[kind](target)


def _unprefixed(name: str) -> str:
    return name.partition(".")[2]


@dataclass(frozen=True)
class CrmMapping:
    """The mapping of one CRM: fields, key persons and stages, ready to normalize deals."""

    crm: str
    maintenance_after_days: int
    fields: tuple[FieldMap, ...]
    contacts: ContactMap
    pipelines: Mapping[str, Mapping[str, Phase | None]]
    source: str = "builtin"

    @classmethod
    def from_file(cls, spec: MappingFile, source: str) -> CrmMapping:
        """Compile a validated mapping file."""
        fields = tuple(
            FieldMap(
                attribute=attribute,
                field=entry.field,
                kind=ATTRIBUTE_TYPES[attribute],
                translation={
                    label_key(label): _member(ATTRIBUTE_TYPES[attribute], target)
                    for label, target in entry.values.items()
                },
                labels=dict(entry.values),
            )
            for attribute, entry in spec.fields.items()
            if entry is not None
        )
        c = spec.contacts
        roles = {
            label: None if role in (None, NO_PHASE) else Role(role)
            for label, role in c.roles.items()
        }
        stances = {label: Stance(stance) for label, stance in c.stances.items()}
        contacts = ContactMap(
            roles_from=c.roles_from,
            roles={label_key(label): role for label, role in roles.items()},
            stance_from=c.stance_from,
            stances={label_key(label): stance for label, stance in stances.items()},
            last_contacted=c.last_contacted,
            name=tuple(c.name),
            role_labels=roles,
            stance_labels=stances,
        )
        pipelines = {
            pipeline: {
                stage: None if phase in (None, NO_PHASE) else Phase(phase)
                for stage, phase in p.stages.items()
            }
            for pipeline, p in spec.pipelines.items()
        }
        return cls(spec.crm, spec.maintenance_after_days, fields, contacts, pipelines, source)

    # -- lookups ---------------------------------------------------------------------------

    def field_for(self, attribute: str) -> FieldMap | None:
        """The field map of an attribute, None when the attribute is not mapped."""
        return next((f for f in self.fields if f.attribute == attribute), None)

    def attribute_fields(self) -> list[tuple[str, str]]:
        """(attribute, CRM field) for every mapped deal attribute, and `last_contacted` with
        its prefixed contact field."""
        pairs = [(f.attribute, f.field) for f in self.fields]
        if self.contacts.last_contacted:
            pairs.append(("last_contacted", self.contacts.last_contacted))
        return pairs

    def stage_phase(self, pipeline: str | None, stage: str) -> tuple[bool, Phase | None]:
        """(known, phase) of a stage: the pipeline's own map first, then the `"*"` map.
        `known` is False when no map names the stage; a known phase of None is closed lost."""
        for key in (pipeline, ANY_PIPELINE):
            stages = self.pipelines.get(key) if key is not None else None
            if stages is not None and stage in stages:
                return True, stages[stage]
        return False, None

    def roles_mapped(self, existing: set[str] | None) -> bool:
        """Whether contacts can carry roles: a role table, and its source exists."""
        if not any(role is not None for role in self.contacts.roles.values()):
            return False
        source = self.contacts.roles_from
        return source == LABELS or existing is None or source in existing

    def mapped(self, existing: set[str] | None = None) -> frozenset[str]:
        """The attributes backed by a CRM field that exists (`existing` None: all of them)."""
        names = {f.attribute for f in self.fields if existing is None or f.field in existing}
        if self.roles_mapped(existing):
            names.add("contacts")
        last = self.contacts.last_contacted
        if last is not None and (existing is None or last in existing):
            names.add("last_contacted")
        return frozenset(names)

    # -- reading -----------------------------------------------------------------------------

    def read_spec(self, existing: set[str] | None = None, closed_task_days: int = 14) -> ReadSpec:
        """The fields to ask the CRM for: every mapped field, or only those in `existing`."""

        def present(name: str) -> bool:
            return existing is None or name in existing

        deal = dict.fromkeys(f.field for f in self.fields if present(f.field))
        contact_side = [name for _, name in self.contacts.fields if present(name)]
        link = dict.fromkeys(_unprefixed(n) for n in contact_side if n.startswith("link."))
        contact = dict.fromkeys(_unprefixed(n) for n in contact_side if n.startswith("contact."))
        return ReadSpec(
            deal_fields=tuple(deal),
            contact_fields=tuple(contact),
            role_fields=tuple(link),
            closed_task_days=closed_task_days,
        )

    def missing_fields(self, existing: set[str]) -> list[str]:
        """One line per mapped field that the CRM lacks, e.g.
        "budget_status -> Budget_Status__c: no such field on the deal" (`MissingField`s)."""
        lines: list[str] = [
            MissingField(f.attribute, f.field, "deal")
            for f in self.fields
            if f.field not in existing
        ]
        lines += [
            MissingField(what, name, name.partition(".")[0])
            for what, name in self.contacts.fields
            if name not in existing
        ]
        return lines

    def normalize(
        self,
        raw: RawDeal,
        stages: Mapping[tuple[str | None, str], StageInfo],
        existing: set[str] | None = None,
    ) -> _normalize.Normalized | _normalize.UnmappedStage:
        """The deal as gates see it, or UnmappedStage when no stage map names its stage.
        Never raises on a field value: unreadable values become warnings."""
        return _normalize.normalize(self, raw, stages, existing)

    # -- display -----------------------------------------------------------------------------

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, CRM value, dealgate value) rows for `dealgate mappings show`."""
        return list(self._rows())

    def _rows(self) -> Iterator[tuple[str, str, str]]:
        yield "settings", "source", self.source
        yield "settings", "maintenance_after_days", str(self.maintenance_after_days)
        for f in self.fields:
            yield "fields", f.field, f.attribute
            for label, target in f.labels.items():
                shown = str(target).lower() if isinstance(target, bool) else str(target)
                yield "values", f"{f.field} = {label}", f"{f.attribute} = {shown}"
        for what, name in self.contacts.fields:
            yield "contacts", name, what
        if self.contacts.roles_from == LABELS:
            yield "contacts", "association labels", "contacts.roles"
        if self.contacts.stance_from == LABELS:
            yield "contacts", "association labels", "contacts.stance"
        for label, role in self.contacts.role_labels.items():
            yield "roles", label, _role_text(role)
        for label, stance in self.contacts.stance_labels.items():
            yield "stances", label, stance.value
        for pipeline, stage_map in self.pipelines.items():
            where = "any pipeline" if pipeline == ANY_PIPELINE else f"pipeline {pipeline}"
            for stage, phase in stage_map.items():
                yield "stages", f"{stage} ({where})", phase.value if phase else "none (closed lost)"


def _role_text(role: Role | None) -> str:
    return f"{role.value} ({_ROLE_NAMES[role]})" if role is not None else "not a key person"
