"""Gate kinds: one pure evaluator per kind, compiled once per gate into a closure.

This module holds the kinds about a deal's own values (set, real text, enum, dates, flags) and
compiles any gate; the key-person kinds are in gates/kinds_people.py, and what all kinds share
(the probe, the registry, reasons kept per gate) in gates/probes.py. `evaluate_gate` adds the
`not_evaluated` rule (an evidence attribute outside `snapshot.mapped`) and builds the
`GateResult`; gates.evaluate does the same for a whole catalog, compiled once.

Built-in and user gates use the same kinds; the file format is in gates/spec.py.
`now` must be timezone-aware; naive datetimes on the snapshot are taken as UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from operator import attrgetter

import gates.kinds_people  # noqa: F401  (registers the key-person kinds)
from gates.attributes import STANDARD_ATTRIBUTES, family
from gates.model import Gate, thaw
from gates.phases import PHASE_ORDER
from gates.placeholder import is_placeholder
from gates.probes import (
    KINDS,
    PASS,
    Probe,
    Reasons,
    aware,
    flag_probe,
    kept,
    not_set,
    placeholder_reasons,
    register,
)
from gates.reasons import Reason
from gates.results import GateResult, Outcome
from gates.snapshot import DealSnapshot
from gates.spec import DateWithinParams, EnumInParams

__all__ = ["KINDS", "Probe", "Reasons", "compile_probe", "evaluate_gate", "needed"]


# -- value kinds ----------------------------------------------------------------------------


@register("field_present")
def field_present(gate: Gate) -> Probe:
    """Passes when the attribute is set (text: not blank)."""
    attribute = gate.evidence[0]
    get = attrgetter(attribute)
    is_text = family(attribute) == "text"
    missing = not_set(attribute)

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
    missing = not_set(attribute)
    placeholder = placeholder_reasons(attribute)
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
    missing = not_set(attribute)
    rejected_reason = (Reason("rejected", attribute=attribute),)
    other = kept(lambda value: (Reason("value", attribute=attribute, value=value),))

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
    failure = placeholder_reasons(attribute)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        text = get(snapshot)
        return PASS if not is_placeholder(text) else failure(text)

    return probe


@register("all_text_real")
def all_text_real(gate: Gate) -> Probe:
    """Passes when none of the texts is a placeholder; one reason per placeholder."""
    fields = tuple((attrgetter(a), placeholder_reasons(a)) for a in gate.evidence)

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
    fields = tuple((not_set(a)[0], attrgetter(a)) for a in gate.evidence)

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
    missing = not_set(attribute)
    outside = kept(
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
    return flag_probe(gate.evidence[0])


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
