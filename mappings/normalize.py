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
from typing import TYPE_CHECKING, Any, NamedTuple

from connector.base import RawContact, RawDeal, RawTask, StageInfo
from connector.names import person_name
from gates.snapshot import DealSnapshot, DealTask, KeyContact, Role, Stance
from mappings.model import ENUMS, LABELS
from mappings.values import (
    Unreadable,
    label_key,
    match_enum,
    once_per_text,
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
_PICKLIST_KEPT = 256  # distinct values of one picklist read once per plan (a few in practice)
_SNAPSHOT_NAMES = {"owner": "owner_id"}
# A snapshot is built as a list in field order, then made a tuple: no keyword matching per field.
_INDEX = {name: index for index, name in enumerate(DealSnapshot._fields)}
_TEMPLATE = tuple(DealSnapshot._field_defaults.get(name) for name in DealSnapshot._fields)
_ID, _CRM, _NAME, _PIPELINE, _STAGE, _LABEL, _PHASE, _PROBABILITY, _MODIFIED = (
    _INDEX[name]
    for name in (
        "id",
        "crm",
        "name",
        "pipeline",
        "stage",
        "stage_label",
        "stage_phase",
        "stage_probability",
        "modified_at",
    )
)
_CONTACTS, _TASKS, _MAPPED = _INDEX["contacts"], _INDEX["tasks"], _INDEX["mapped"]


class Normalized(NamedTuple):
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


def _warning(deal_id: str, what: str, value: Any, source: str, why: str, result: str) -> str:
    return f"deal {deal_id}: {what}: {why} {_shown(value)} in {source}, {result}"


def _parser(f: FieldMap) -> Callable[[Any], Any]:
    """The value parser of one field map, built once: raises `Unreadable`."""
    if f.kind in ENUMS:
        enum, translation = ENUMS[f.kind], f.translation
        return once_per_text(lambda value: match_enum(value, enum, translation), _PICKLIST_KEPT)
    if f.kind == "bool":
        translation = f.translation

        def checkbox(value: Any) -> bool | None:
            try:
                return parse_bool(value)
            except Unreadable:
                if isinstance(value, str) and label_key(value) in translation:
                    return bool(translation[label_key(value)])
                raise

        return checkbox
    return _PARSERS[f.kind]


@dataclass(frozen=True, slots=True)
class _FieldReader:
    attribute: str
    index: int  # the attribute's position in the snapshot (owner -> owner_id)
    field: str
    parse: Callable[[Any], Any]
    unknown: Any  # what an unreadable value reads as: the enum's `unknown`, else None
    text: bool  # a text attribute: a string value is taken as it is, without a call


def _unprefixed(source: str | None, readable: frozenset[str]) -> str | None:
    """The unprefixed name of a contact-side field the CRM has, else None (read as empty)."""
    if source is None or source == LABELS or source not in readable:
        return None
    return source.partition(".")[2]


class _Plan:
    """A mapping compiled for one set of existing fields: which fields to read and how, built
    once per run instead of once per deal."""

    def __init__(self, mapping: CrmMapping, existing: set[str] | None) -> None:
        self.mapped = mapping.mapped(existing)
        readable = frozenset(
            name for _, name in mapping.contacts.fields if existing is None or name in existing
        )
        self.fields = tuple(
            _FieldReader(
                f.attribute,
                _INDEX[_SNAPSHOT_NAMES.get(f.attribute, f.attribute)],
                f.field,
                _parser(f),
                ENUMS[f.kind]("unknown") if f.kind in ENUMS else None,
                f.kind == "text",
            )
            for f in mapping.fields
            if f.attribute in self.mapped
        )
        # The readers split by kind and unpacked from tuples: a text value is most often taken
        # as it is, and the loop over forty-odd fields runs for every deal.
        self.texts = tuple((r.field, r.index, r) for r in self.fields if r.text)
        self.parsed = tuple((r.field, r.index, r.parse, r) for r in self.fields if not r.text)
        c = mapping.contacts
        self.names = tuple(
            name for name in (_unprefixed(n, readable) for n in c.name) if name is not None
        )
        self.contacts_mapped = "contacts" in self.mapped
        roles = c.roles
        # A role label's key is a regex substitution: each distinct label is keyed once.
        self.role_of = once_per_text(lambda label: roles.get(label_key(label)), _PICKLIST_KEPT)
        self.roles_from = c.roles_from
        self.role_field = _unprefixed(c.roles_from, readable)
        self.stance_from = c.stance_from
        self.stances = stances = c.stances
        self.stance_of = once_per_text(
            lambda value: match_enum(value, Stance, stances), _PICKLIST_KEPT
        )
        self.stance_field = _unprefixed(c.stance_from, readable)
        self.last_contacted = (
            c.last_contacted
            if c.last_contacted is not None and "last_contacted" in self.mapped
            else None
        )
        self.last_field = _unprefixed(self.last_contacted, readable)


_PLANS: dict[tuple[int, int], tuple[CrmMapping, set[str] | None, int, _Plan]] = {}


def _plan(mapping: CrmMapping, existing: set[str] | None) -> _Plan:
    """The compiled plan of (mapping, existing), kept while both are the same objects."""
    key = (id(mapping), id(existing))
    size = -1 if existing is None else len(existing)
    found = _PLANS.get(key)
    if found is not None and found[0] is mapping and found[1] is existing and found[2] == size:
        return found[3]
    plan = _Plan(mapping, existing)
    if len(_PLANS) >= 64:
        _PLANS.clear()
    _PLANS[key] = (mapping, existing, size, plan)
    return plan


def _role(plan: _Plan, contact: RawContact) -> Role | None:
    labels: tuple[Any, ...] = contact.labels
    if plan.roles_from != LABELS:
        value = contact.fields.get(plan.role_field) if plan.role_field is not None else None
        labels = (value,) if value is not None else contact.labels
    if len(labels) == 1:  # one role label or field value: the common case
        label = labels[0]
        return plan.role_of(label) if isinstance(label, str) else None
    found = set()
    for label in labels:
        if isinstance(label, str):
            role = plan.role_of(label)
            if role is not None:
                found.add(role)
    if len(found) <= 1:
        return next(iter(found), None)
    return next((role for role in _ROLE_ORDER if role in found), None)


def _stance(plan: _Plan, contact: RawContact, deal_id: str, warnings: list[str]) -> Stance | None:
    source = plan.stance_from
    if source is None:
        return None
    if source == LABELS:
        for label in contact.labels:
            try:
                found = match_enum(label, Stance, plan.stances)
            except Unreadable:
                continue  # a role label, or a label of no interest to dealgate
            if found is not None:
                return found
        return None
    value = contact.fields.get(plan.stance_field) if plan.stance_field is not None else None
    try:
        return plan.stance_of(value)
    except Unreadable:
        warnings.append(
            _warning(
                deal_id,
                f"contact {contact.id} stance",
                value,
                source,
                "unknown value",
                "read as unknown",
            )
        )
        return Stance.UNKNOWN


def _last_contacted(
    plan: _Plan, source: str, contact: RawContact, deal_id: str, warnings: list[str]
) -> Any:
    value = contact.fields.get(plan.last_field) if plan.last_field is not None else None
    try:
        return parse_last_contact(value)
    except Unreadable as exc:
        warnings.append(
            _warning(
                deal_id,
                f"contact {contact.id} last_contacted",
                value,
                source,
                f"cannot read ({exc})",
                "left empty",
            )
        )
        return None


def _part(value: Any) -> str:
    """One part of a name, trimmed ("" for none)."""
    if value is None:
        return ""
    return (value if type(value) is str else str(value)).strip()


def _name(plan: _Plan, contact: RawContact) -> str:
    fields, names = contact.fields, plan.names
    if len(names) == 2:  # given and family name fields (both bundled mappings)
        given, family = _part(fields.get(names[0])), _part(fields.get(names[1]))
        return person_name(given, family) if given and family else given or family
    texts = [text for text in (_part(fields.get(name)) for name in names) if text]
    return " ".join(texts)


def _contact(plan: _Plan, contact: RawContact, deal_id: str, warnings: list[str]) -> KeyContact:
    role = stance = last_contacted = None
    if plan.contacts_mapped:
        role = _role(plan, contact)
        stance = _stance(plan, contact, deal_id, warnings)
    last, last_field = plan.last_contacted, plan.last_field
    # Most contacts have no last activity: no call for them.
    if last is not None and last_field is not None and contact.fields.get(last_field) is not None:
        last_contacted = _last_contacted(plan, last, contact, deal_id, warnings)
    return KeyContact(str(contact.id), _name(plan, contact), role, stance, last_contacted)


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


def _read(raw: RawDeal, reader: _FieldReader, value: Any, warnings: list[str]) -> Any:
    """`reader.parse(value)`, or what an unreadable value reads as, with its warning."""
    try:
        return reader.parse(value)
    except Unreadable as exc:
        unknown = reader.unknown
        why, result = (
            ("unknown value", "read as unknown")
            if unknown is not None
            else (f"cannot read ({exc})", "left empty")
        )
        warnings.append(_warning(raw.id, reader.attribute, value, reader.field, why, result))
        return unknown


def normalize(
    mapping: CrmMapping,
    raw: RawDeal,
    stages: Mapping[tuple[str | None, str], StageInfo],
    existing: set[str] | None = None,
) -> Normalized | UnmappedStage:
    """The snapshot of `raw` under `mapping`; see `CrmMapping.normalize`."""
    plan = _plan(mapping, existing)
    warnings: list[str] = []
    values = [*_TEMPLATE]
    get = raw.fields.get
    for field, index, reader in plan.texts:
        value = get(field)
        if value is not None:  # most fields of most deals are empty: the fast path
            # a string is what parse_text returns, taken without the call
            values[index] = value if type(value) is str else _read(raw, reader, value, warnings)
    for field, index, parse, reader in plan.parsed:
        value = get(field)
        if value is not None:
            try:
                values[index] = parse(value)
            except Unreadable:
                values[index] = _read(raw, reader, value, warnings)
    # The connector's own pipeline and stage win; the mapped fields are the fallback.
    field_pipeline, field_stage = values[_PIPELINE], values[_STAGE]
    pipeline = raw.pipeline if raw.pipeline is not None else field_pipeline or None
    stage = raw.stage or field_stage or ""
    known, phase = mapping.stage_phase(pipeline, stage)
    if not known:
        return UnmappedStage(pipeline, stage)
    info = stages.get((pipeline, stage)) or stages.get((None, stage))
    if values[_MODIFIED] is None:
        values[_MODIFIED] = raw.modified_at
    if values[_NAME] is None:
        values[_NAME] = ""
    values[_ID] = raw.id
    values[_CRM] = mapping.crm
    values[_PIPELINE] = pipeline
    values[_STAGE] = stage
    values[_LABEL] = info.label if info is not None else stage
    values[_PHASE] = phase
    values[_PROBABILITY] = info.probability if info is not None else None
    # Lists made tuples, not generators: a generator costs a frame switch per item.
    values[_CONTACTS] = tuple([_contact(plan, c, raw.id, warnings) for c in raw.contacts])
    values[_TASKS] = tuple([deal_task(t) for t in raw.tasks]) if raw.tasks else ()
    values[_MAPPED] = plan.mapped
    snapshot = DealSnapshot._make(values)
    return Normalized(snapshot, tuple(warnings))
