"""Gate kinds: one pure evaluator per kind, compiled once per gate into a closure.

A kind's compiler reads the gate's params once and returns a probe,
`(snapshot, now) -> reasons`: an empty tuple when the gate passes, else one `Reason` per problem
(gates/reasons.py: English text, code and params; "budget status is 'estimated'"). Reasons that
repeat are built once per gate and shared. `evaluate_gate` adds the `not_evaluated` rule (an
evidence attribute outside `snapshot.mapped`) and builds the `GateResult`; gates.evaluate does
the same for a whole catalog, compiled once.

Built-in and user gates use the same kinds; the file format is in gates/spec.py.
`now` must be timezone-aware; naive datetimes on the snapshot are taken as UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Any

from gates.attributes import STANDARD_ATTRIBUTES, family
from gates.model import Gate, thaw
from gates.phases import PHASE_ORDER
from gates.placeholder import is_placeholder
from gates.reasons import Reason
from gates.results import GateResult, Outcome
from gates.snapshot import DealSnapshot, KeyContact, Role
from gates.spec import (
    DateWithinParams,
    EnumInParams,
    KeyPersonContactedParams,
    KeyPersonMetParams,
    OppositionParams,
    RoleParams,
    StanceAlignedParams,
)

Reasons = tuple[str, ...]
Probe = Callable[[DealSnapshot, datetime], Reasons]
Compiler = Callable[[Gate], Probe]

PASS: Reasons = ()

_MAX_KEPT = 256  # distinct reasons kept per gate; more are built per deal

KINDS: dict[str, Compiler] = {}


def register(kind: str) -> Callable[[Compiler], Compiler]:
    """Register the compiler of a kind under its name (the `kind:` of a gate file)."""

    def add(compiler: Compiler) -> Compiler:
        KINDS[kind] = compiler
        return compiler

    return add


def aware(moment: datetime) -> datetime:
    """`moment` with a timezone; naive datetimes are taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _name(contact: KeyContact) -> str:
    return contact.name or contact.id


def _not_set(attribute: str) -> Reasons:
    return (Reason("not_set", attribute=attribute),)


def _kept(build: Callable[..., Reasons]) -> Callable[..., Reasons]:
    """`build` with its answers kept per arguments (at most `_MAX_KEPT`), for a probe's
    failures that repeat across deals (the same placeholder, status, date or count)."""
    seen: dict[tuple[Any, ...], Reasons] = {}

    def reasons(*args: Any) -> Reasons:
        found = seen.get(args)
        if found is None:
            found = build(*args)
            if len(seen) < _MAX_KEPT:
                seen[args] = found
        return found

    return reasons


def _placeholder_reasons(attribute: str) -> Callable[..., Reasons]:
    """`text -> (reason,)` for a text already known to be a placeholder, kept per text."""
    return _kept(lambda text: (Reason("placeholder", attribute=attribute, text=text),))


def _no_role_reasons(roles: tuple[Role, ...]) -> Callable[..., Reasons]:
    """`contact count -> (reason,)`: no contact with one of `roles` on the deal."""
    return _kept(lambda count: (Reason("no_role", roles=roles, contacts=count),))


# -- value kinds ----------------------------------------------------------------------------


@register("field_present")
def field_present(gate: Gate) -> Probe:
    """Passes when the attribute is set (text: not blank)."""
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    is_text = family(attribute) == "text"
    missing = _not_set(attribute)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        value = get(snapshot)
        if value is None or (is_text and not value.strip()):
            return missing
        return PASS

    return probe


def _holds_evidence(attribute: str) -> Callable[[DealSnapshot], Reasons]:
    """`snapshot -> reasons` for one precondition: a yes/no is true, a number above zero, a
    text real (not a placeholder), a date set. A precondition whose field is not mapped is not
    asked for (an account without the field keeps the gate's own check)."""
    get = attrgetter(attribute)
    kind = family(attribute)
    missing = _not_set(attribute)
    placeholder = _placeholder_reasons(attribute)
    no = (Reason("false", attribute=attribute),)
    low = (Reason("not_positive", attribute=attribute),)

    def check(snapshot: DealSnapshot) -> Reasons:
        if attribute not in snapshot.mapped:
            return PASS
        value = get(snapshot)
        if kind == "text":
            return PASS if not is_placeholder(value) else placeholder(value)
        if value is None:
            return missing
        if kind == "bool":
            return PASS if value is True else no
        if kind == "number":
            return PASS if value > 0 else low
        return PASS

    return check


def _past(snapshot: DealSnapshot, phase_order: int) -> bool:
    """Whether the deal's stage maps to a phase after the one at `phase_order`."""
    stage_phase = snapshot.stage_phase
    return stage_phase is not None and PHASE_ORDER[stage_phase] > phase_order


@register("enum_in")
def enum_in(gate: Gate) -> Probe:
    """Passes when the value is one of `values` and every further evidence attribute holds
    evidence (`_holds_evidence`); a value in `rejected` fails as "rejected"."""
    params = EnumInParams.model_validate(thaw(gate.params))
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    is_text = family(attribute) == "text"

    def key(value: str) -> str:
        return value.strip().casefold() if is_text else value

    allowed = frozenset(key(v) for v in params.values)
    rejected = frozenset(key(v) for v in params.rejected)
    missing = _not_set(attribute)
    rejected_reason = (Reason("rejected", attribute=attribute),)
    other = _kept(lambda value: (Reason("value", attribute=attribute, value=value),))

    gate_order = PHASE_ORDER[gate.phase]

    def own(snapshot: DealSnapshot) -> Reasons:
        value = get(snapshot)
        if value is None:
            if params.implied_past_phase and _past(snapshot, gate_order):
                return PASS
            return missing
        # Enum members hash and compare as their string values.
        found = value.strip().casefold() if is_text else value
        if found in allowed:
            return PASS
        if found in rejected:
            return rejected_reason
        return other(value)

    preconditions = tuple(_holds_evidence(a) for a in gate.evidence[1:])
    if not preconditions:
        return lambda snapshot, now: own(snapshot)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        reasons = own(snapshot)
        for check in preconditions:
            failed = check(snapshot)
            if failed:
                reasons = (*reasons, *failed)
        return reasons

    return probe


@register("text_real")
def text_real(gate: Gate) -> Probe:
    """Passes when the text is not a placeholder (gates/placeholder.py)."""
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    failure = _placeholder_reasons(attribute)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        text = get(snapshot)
        return PASS if not is_placeholder(text) else failure(text)

    return probe


@register("all_text_real")
def all_text_real(gate: Gate) -> Probe:
    """Passes when none of the texts is a placeholder; one reason per placeholder."""
    fields = tuple((attrgetter(a), _placeholder_reasons(a)) for a in gate.evidence)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        reasons = PASS
        for get, failure in fields:
            text = get(snapshot)
            if is_placeholder(text):
                reasons = (*reasons, *failure(text))
        return reasons

    return probe


@register("date_set")
def date_set(gate: Gate) -> Probe:
    """Passes when every date is set; one reason per missing date."""
    fields = tuple((_not_set(a)[0], attrgetter(a)) for a in gate.evidence)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        reasons = PASS
        for reason, get in fields:
            if get(snapshot) is None:
                reasons = (*reasons, reason)
        return reasons

    return probe


@register("date_within")
def date_within(gate: Gate) -> Probe:
    """Passes when the date lies within `within_days` of the run's day, in `direction`."""
    params = DateWithinParams.model_validate(thaw(gate.params))
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    days, direction = params.within_days, params.direction
    low = 0 if direction == "future" else -days
    high = 0 if direction == "past" else days
    missing = _not_set(attribute)
    outside = _kept(
        lambda day: (
            Reason(
                "not_within",
                attribute=attribute,
                day=day.isoformat(),
                days=days,
                direction=direction,
            ),
        )
    )

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        value: date | None = get(snapshot)
        if value is None:
            return missing
        if isinstance(value, datetime):
            value = aware(value).date()
        offset = (value - now.date()).days
        if low <= offset <= high:
            return PASS
        return outside(value)

    return probe


@register("flag_true")
def flag_true(gate: Gate) -> Probe:
    """Passes when the yes/no attribute is true."""
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    missing = _not_set(attribute)
    no = (Reason("false", attribute=attribute),)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        value = get(snapshot)
        if value is True:
            return PASS
        return missing if value is None else no

    return probe


# -- contact kinds --------------------------------------------------------------------------


def _has_role(contacts: tuple[KeyContact, ...], role: Role) -> bool:
    # A plain loop, not any(...): no generator per call on this hot path.
    for contact in contacts:  # noqa: SIM110
        if contact.role is role:
            return True
    return False


@register("role_present")
def role_present(gate: Gate) -> Probe:
    """Passes when a contact with `role` is on the deal."""
    role = RoleParams.model_validate(thaw(gate.params)).role
    absent = _no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        contacts = snapshot.contacts
        if _has_role(contacts, role):
            return PASS
        return absent(len(contacts))

    return probe


@register("key_person_contacted")
def key_person_contacted(gate: Gate) -> Probe:
    """Passes when a contact with one of `roles` was contacted within `within_days`.

    "Within N days" is `now - last_contacted <= N * 24 h` (docs/design.md section 5).
    """
    params = KeyPersonContactedParams.model_validate(thaw(gate.params))
    roles = frozenset(params.roles)
    window = timedelta(days=params.within_days)
    absent = _no_role_reasons(params.roles)
    stale = _kept(
        lambda last, person, role: (
            Reason(
                "not_contacted",
                roles=params.roles,
                days=params.within_days,
                last=last,
                person=person,
                role=role,
            ),
        )
    )

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        latest: datetime | None = None
        who: KeyContact | None = None
        found = False
        for contact in snapshot.contacts:
            if contact.role not in roles:
                continue
            found = True
            last = contact.last_contacted
            if last is None:
                continue
            if last.tzinfo is None:
                last = last.replace(tzinfo=UTC)
            if now - last <= window:
                return PASS
            if latest is None or last > latest:
                latest, who = last, contact
        if not found:
            return absent(len(snapshot.contacts))
        if latest is None or who is None:
            return stale(None, None, None)
        return stale(latest.date().isoformat(), _name(who), who.role)

    return probe


def _met(contact: KeyContact) -> bool:
    return contact.last_contacted is not None


@register("key_person_met")
def key_person_met(gate: Gate) -> Probe:
    """Passes when a contact with one of `roles` has a recorded contact, at any time: the
    milestone "the key person has been met" (slide 56), not a contact frequency."""
    roles_tuple = KeyPersonMetParams.model_validate(thaw(gate.params)).roles
    roles = frozenset(roles_tuple)
    absent = _no_role_reasons(roles_tuple)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        members = [c for c in snapshot.contacts if c.role in roles]
        if not members:
            return absent(len(snapshot.contacts))
        if any(_met(c) for c in members):
            return PASS
        return (Reason("not_met", roles=roles_tuple, names=tuple(_name(c) for c in members)),)

    return probe


@register("person_briefed")
def person_briefed(gate: Gate) -> Probe:
    """Passes when the flag is true and a contact with `role` is on the deal with a recorded
    contact (the approver has really been met)."""
    role = RoleParams.model_validate(thaw(gate.params)).role
    flag = flag_true(gate)
    absent = _no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        reasons = flag(snapshot, now)
        members = [c for c in snapshot.contacts if c.role is role]
        if not members:
            return (*reasons, *absent(len(snapshot.contacts)))
        if not any(_met(c) for c in members):
            names = tuple(_name(c) for c in members)
            return (*reasons, Reason("not_met", roles=(role,), names=names))
        return reasons

    return probe


@register("opposition_planned")
def opposition_planned(gate: Gate) -> Probe:
    """Passes when no contact with one of `roles` has one of `stances` (opposed), or the plan
    to win them over (the text attribute) is real (slide 47: 反対派を説得する)."""
    params = OppositionParams.model_validate(thaw(gate.params))
    roles, stances = frozenset(params.roles), frozenset(params.stances)
    plan = attrgetter(gate.evidence[1])
    no_plan = _placeholder_reasons(gate.evidence[1])

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        opposed = [c for c in snapshot.contacts if c.role in roles and c.stance in stances]
        if not opposed:
            return PASS
        text = plan(snapshot)
        if not is_placeholder(text):
            return PASS
        found = tuple(
            Reason("stance", role=c.role, name=_name(c), stance=c.stance)
            for c in opposed
            if c.role is not None
        )
        return (*found, *no_plan(text))

    return probe


@register("decision_process")
def decision_process(gate: Gate) -> Probe:
    """Passes when the text is real and a contact with `role` (default D) is on the deal."""
    role = RoleParams.model_validate(thaw(gate.params)).role
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    failure = _placeholder_reasons(attribute)
    absent = _no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        text = get(snapshot)
        reasons = PASS if not is_placeholder(text) else failure(text)
        contacts = snapshot.contacts
        if _has_role(contacts, role):
            return reasons
        return (*reasons, *absent(len(contacts)))

    return probe


@register("stance_aligned")
def stance_aligned(gate: Gate) -> Probe:
    """Passes when at least `min_count` contacts have `role` and each has one of `stances`."""
    params = StanceAlignedParams.model_validate(thaw(gate.params))
    role, wanted, needed = params.role, frozenset(params.stances), params.min_count
    absent = _no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        members = [c for c in snapshot.contacts if c.role is role]
        reasons: list[str] = []
        if len(members) < needed:
            if members:
                reasons.append(Reason("too_few", role=role, count=len(members), needed=needed))
            else:
                reasons.extend(absent(len(snapshot.contacts)))
        for contact in members:
            if contact.stance not in wanted:
                reasons.append(
                    Reason("stance", role=role, name=_name(contact), stance=contact.stance)
                )
        return tuple(reasons)

    return probe


# -- running --------------------------------------------------------------------------------


def compile_probe(gate: Gate) -> Probe:
    """The probe of `gate` (KeyError for a kind that is not registered)."""
    return KINDS[gate.kind](gate)


# Kinds whose evidence after the first is a precondition, asked for only where it is mapped.
PRECONDITION_KINDS = frozenset({"enum_in"})


def needed(gate: Gate) -> frozenset[str]:
    """The evidence attributes that must be in `snapshot.mapped` for the gate to be evaluated.

    Standard fields such as `close_date` exist in every account, so they are never needed; nor
    are the preconditions of an `enum_in` gate (they count where they are mapped).
    """
    evidence = gate.evidence[:1] if gate.kind in PRECONDITION_KINDS else gate.evidence
    return frozenset(a for a in evidence if a not in STANDARD_ATTRIBUTES)


def not_mapped_reason(missing: frozenset[str]) -> str:
    """The reason of a `not_evaluated` result: `not mapped: budget_status`."""
    return Reason("not_mapped", attributes=tuple(sorted(missing)))


def evaluate_gate(
    gate: Gate, snapshot: DealSnapshot, now: datetime, *, skipped_phase: bool = False
) -> GateResult:
    """Evaluate one gate on one deal at `now` (compiles the gate; gates.evaluate precompiles).

    `not_evaluated` when an evidence attribute is not in `snapshot.mapped`.
    """
    missing = needed(gate) - snapshot.mapped
    if missing:
        reason = not_mapped_reason(missing)
        return GateResult(gate.id, gate.phase, Outcome.NOT_EVALUATED, (reason,), skipped_phase)
    reasons = compile_probe(gate)(snapshot, aware(now))
    outcome = Outcome.FAILED if reasons else Outcome.PASSED
    return GateResult(gate.id, gate.phase, outcome, reasons, skipped_phase)
