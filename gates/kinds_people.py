"""Gate kinds about key persons (slides 47, 56, 71-75): who is on the deal, in which role and
stance, and when they were last met. Registered with the other kinds (gates/probes.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from operator import attrgetter

from gates.model import Gate, thaw
from gates.placeholder import is_placeholder
from gates.probes import (
    PASS,
    Probe,
    Reasons,
    contact_name,
    flag_probe,
    has_role,
    kept,
    no_role_reasons,
    placeholder_reasons,
    register,
)
from gates.reasons import Reason
from gates.snapshot import DealSnapshot, KeyContact
from gates.spec import (
    KeyPersonContactedParams,
    KeyPersonMetParams,
    OppositionParams,
    RoleParams,
    StanceAlignedParams,
)

# -- contact kinds --------------------------------------------------------------------------


@register("role_present")
def role_present(gate: Gate) -> Probe:
    """Passes when a contact with `role` is on the deal."""
    role = RoleParams.model_validate(thaw(gate.params)).role
    absent = no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        contacts = snapshot.contacts
        if has_role(contacts, role):
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
    absent = no_role_reasons(params.roles)
    stale = kept(
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
        return stale(latest.date().isoformat(), contact_name(who), who.role)

    return probe


def _met(contact: KeyContact) -> bool:
    return contact.last_contacted is not None


@register("key_person_met")
def key_person_met(gate: Gate) -> Probe:
    """Passes when a contact with one of `roles` has a recorded contact, at any time: the
    milestone "the key person has been met" (slide 56), not a contact frequency."""
    roles_tuple = KeyPersonMetParams.model_validate(thaw(gate.params)).roles
    roles = frozenset(roles_tuple)
    absent = no_role_reasons(roles_tuple)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        members = [c for c in snapshot.contacts if c.role in roles]
        if not members:
            return absent(len(snapshot.contacts))
        if any(_met(c) for c in members):
            return PASS
        names = tuple(contact_name(c) for c in members)
        return (Reason("not_met", roles=roles_tuple, names=names),)

    return probe


@register("person_briefed")
def person_briefed(gate: Gate) -> Probe:
    """Passes when the flag is true and a contact with `role` is on the deal with a recorded
    contact (the approver has really been met)."""
    role = RoleParams.model_validate(thaw(gate.params)).role
    flag = flag_probe(gate.evidence[0])
    absent = no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        reasons = flag(snapshot, now)
        members = [c for c in snapshot.contacts if c.role is role]
        if not members:
            return (*reasons, *absent(len(snapshot.contacts)))
        if not any(_met(c) for c in members):
            names = tuple(contact_name(c) for c in members)
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
    no_plan = placeholder_reasons(gate.evidence[1])

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        opposed = [c for c in snapshot.contacts if c.role in roles and c.stance in stances]
        if not opposed:
            return PASS
        text = plan(snapshot)
        if not is_placeholder(text):
            return PASS
        found = tuple(
            Reason("stance", role=c.role, name=contact_name(c), stance=c.stance)
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
    failure = placeholder_reasons(attribute)
    absent = no_role_reasons((role,))

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        text = get(snapshot)
        reasons = PASS if not is_placeholder(text) else failure(text)
        contacts = snapshot.contacts
        if has_role(contacts, role):
            return reasons
        return (*reasons, *absent(len(contacts)))

    return probe


@register("stance_aligned")
def stance_aligned(gate: Gate) -> Probe:
    """Passes when at least `min_count` contacts have `role` and each has one of `stances`."""
    params = StanceAlignedParams.model_validate(thaw(gate.params))
    role, wanted, needed = params.role, frozenset(params.stances), params.min_count
    absent = no_role_reasons((role,))

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
                    Reason("stance", role=role, name=contact_name(contact), stance=contact.stance)
                )
        return tuple(reasons)

    return probe
