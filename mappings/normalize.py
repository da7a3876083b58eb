"""RawDeal -> DealSnapshot, once: the only place where CRM values become dealgate values.

A value that cannot be read never stops the run: a picklist value that neither the enum ids nor
the mapping's translation know becomes `unknown`, any other unreadable value is left empty, and
each such value adds a line to `Normalized.warnings`. A deal whose stage no stage map names comes
back as `UnmappedStage` (the engine warns once per stage and skips its deals).

Key persons: a contact takes the strongest role any of its labels maps to (D, then A, then I);
a contact whose labels map to no role is kept with role None and is not a key person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connector.base import RawContact, RawDeal, RawTask, StageInfo
from connector.names import person_name
from gates.snapshot import DealSnapshot, DealTask, KeyContact, Role, Stance
from mappings.model import ENUMS, LABELS
from mappings.values import (
    Unreadable,
    label_key,
    match_enum,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_last_contact,
    parse_number,
    parse_text,
)

if TYPE_CHECKING:
    from mappings.mapping import CrmMapping, FieldMap

_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": parse_text,
    "number": parse_number,
    "date": parse_date,
    "datetime": parse_datetime,
}
_ROLE_ORDER = (Role.DECISION_MAKER, Role.APPROVER, Role.INFLUENCER)
_SNAPSHOT_NAMES = {"owner": "owner_id"}


@dataclass(frozen=True, slots=True)
class Normalized:
    """A deal ready for the gates, with what could not be read on the way."""

    snapshot: DealSnapshot
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnmappedStage:
    """A deal in a stage that no stage map names: skipped, not guessed."""

    pipeline: str | None
    stage: str


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


class _Reader:
    """Reads the values of one deal, collecting warnings."""

    def __init__(self, deal_id: str, readable: frozenset[str]) -> None:
        self.deal_id = deal_id
        self.readable = readable  # the prefixed contact-side fields that exist in the CRM
        self.warnings: list[str] = []

    def contact_field(self, contact: RawContact, source: str) -> Any:
        """A link or contact field's raw value; None when the CRM lacks the field."""
        if source not in self.readable:
            return None
        return contact.fields.get(source.partition(".")[2])

    def warn(self, what: str, value: Any, source: str, why: str, result: str) -> None:
        self.warnings.append(
            f"deal {self.deal_id}: {what}: {why} {_shown(value)} in {source}, {result}"
        )

    def field(self, f: FieldMap, value: Any) -> Any:
        if value is None:
            return None  # most fields of most deals are empty: the fast path
        if f.kind in ENUMS:
            enum = ENUMS[f.kind]
            try:
                return match_enum(value, enum, f.translation)
            except Unreadable:
                self.warn(f.attribute, value, f.field, "unknown value", "read as unknown")
                return enum("unknown")
        try:
            if f.kind == "bool":
                return self._checkbox(f, value)
            return _PARSERS[f.kind](value)
        except Unreadable as exc:
            self.warn(f.attribute, value, f.field, f"cannot read ({exc})", "left empty")
            return None

    @staticmethod
    def _checkbox(f: FieldMap, value: Any) -> bool | None:
        try:
            return parse_bool(value)
        except Unreadable:
            if isinstance(value, str) and label_key(value) in f.translation:
                return bool(f.translation[label_key(value)])
            raise

    def stance(self, mapping: CrmMapping, contact: RawContact) -> Stance | None:
        source = mapping.contacts.stance_from
        table = mapping.contacts.stances
        if source is None:
            return None
        if source == LABELS:
            for label in contact.labels:
                try:
                    found = match_enum(label, Stance, table)
                except Unreadable:
                    continue  # a role label, or a label of no interest to dealgate
                if found is not None:
                    return found
            return None
        value = self.contact_field(contact, source)
        try:
            return match_enum(value, Stance, table)
        except Unreadable:
            self.warn(
                f"contact {contact.id} stance", value, source, "unknown value", "read as unknown"
            )
            return Stance.UNKNOWN

    def last_contacted(self, source: str, contact: RawContact) -> Any:
        value = self.contact_field(contact, source)
        try:
            return parse_last_contact(value)
        except Unreadable as exc:
            self.warn(
                f"contact {contact.id} last_contacted",
                value,
                source,
                f"cannot read ({exc})",
                "left empty",
            )
            return None


def _role(mapping: CrmMapping, contact: RawContact, reader: _Reader) -> Role | None:
    source = mapping.contacts.roles_from
    labels: tuple[Any, ...] = contact.labels
    if source != LABELS:
        value = reader.contact_field(contact, source)
        labels = (value,) if value is not None else contact.labels
    found = set()
    for label in labels:
        if isinstance(label, str):
            role = mapping.contacts.roles.get(label_key(label))
            if role is not None:
                found.add(role)
    return next((role for role in _ROLE_ORDER if role in found), None)


def _name(mapping: CrmMapping, contact: RawContact, reader: _Reader) -> str:
    parts = [reader.contact_field(contact, name) for name in mapping.contacts.name]
    texts = [str(p).strip() for p in parts if p is not None and str(p).strip()]
    if len(mapping.contacts.name) == 2 and len(texts) == 2:  # given and family name fields
        return person_name(texts[0], texts[1])
    return " ".join(texts)


def _contact(
    mapping: CrmMapping, contact: RawContact, mapped: frozenset[str], reader: _Reader
) -> KeyContact:
    last = mapping.contacts.last_contacted
    return KeyContact(
        id=str(contact.id),
        name=_name(mapping, contact, reader),
        role=_role(mapping, contact, reader) if "contacts" in mapped else None,
        stance=reader.stance(mapping, contact) if "contacts" in mapped else None,
        last_contacted=(
            reader.last_contacted(last, contact)
            if last is not None and "last_contacted" in mapped
            else None
        ),
    )


def deal_task(task: RawTask) -> DealTask:
    """A connector's marker task as gates and the planner see it."""
    return DealTask(
        id=task.id,
        gate_id=task.gate_id,
        is_open=task.is_open,
        owner_id=task.owner_id,
        created_at=task.created_at,
        completed_at=task.completed_at,
    )


def normalize(
    mapping: CrmMapping,
    raw: RawDeal,
    stages: Mapping[tuple[str | None, str], StageInfo],
    existing: set[str] | None = None,
) -> Normalized | UnmappedStage:
    """The snapshot of `raw` under `mapping`; see `CrmMapping.normalize`."""
    mapped = mapping.mapped(existing)
    readable = frozenset(
        name for _, name in mapping.contacts.fields if existing is None or name in existing
    )
    reader = _Reader(raw.id, readable)
    values: dict[str, Any] = {
        f.attribute: reader.field(f, raw.fields.get(f.field))
        for f in mapping.fields
        if f.attribute in mapped
    }
    # The connector's own pipeline and stage win; the mapped fields are the fallback.
    field_pipeline, field_stage = values.pop("pipeline", None), values.pop("stage", None)
    pipeline = raw.pipeline if raw.pipeline is not None else field_pipeline or None
    stage = raw.stage or field_stage or ""
    known, phase = mapping.stage_phase(pipeline, stage)
    if not known:
        return UnmappedStage(pipeline, stage)
    info = stages.get((pipeline, stage)) or stages.get((None, stage))
    if values.get("modified_at") is None:
        values["modified_at"] = raw.modified_at
    if values.get("name") is None:
        values.pop("name", None)
    snapshot = DealSnapshot(
        **{_SNAPSHOT_NAMES.get(name, name): value for name, value in values.items()},
        id=raw.id,
        crm=mapping.crm,
        pipeline=pipeline,
        stage=stage,
        stage_label=info.label if info is not None else stage,
        stage_phase=phase,
        stage_probability=info.probability if info is not None else None,
        contacts=tuple(_contact(mapping, c, mapped, reader) for c in raw.contacts),
        tasks=tuple(deal_task(t) for t in raw.tasks),
        mapped=mapped,
    )
    return Normalized(snapshot, tuple(reader.warnings))
