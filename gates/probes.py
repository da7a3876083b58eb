"""What every gate kind shares: the probe type, the registry of kinds, and reasons kept per gate.

A kind's compiler reads the gate's params once and returns a probe,
`(snapshot, now) -> reasons`: an empty tuple when the gate passes, else one `Reason` per problem
(gates/reasons.py: English text, code and params; "budget status is 'estimated'"). Reasons that
repeat are built once per gate and shared. The kinds themselves are in gates/kinds.py (values)
and gates/kinds_people.py (key persons).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from gates.model import Gate
from gates.reasons import Reason
from gates.snapshot import DealSnapshot, KeyContact, Role

Reasons = tuple[str, ...]
Probe = Callable[[DealSnapshot, datetime], Reasons]
Compiler = Callable[[Gate], Probe]

PASS: Reasons = ()

MAX_KEPT = 64  # distinct reasons kept per gate; more are built per deal

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


def contact_name(contact: KeyContact) -> str:
    return contact.name or contact.id


def has_role(contacts: tuple[KeyContact, ...], role: Role) -> bool:
    """Whether a contact with `role` is among `contacts`."""
    # A plain loop, not any(...): no generator per call on this hot path.
    for contact in contacts:  # noqa: SIM110
        if contact.role is role:
            return True
    return False


def not_set(attribute: str) -> Reasons:
    return (Reason("not_set", attribute=attribute),)


def kept(build: Callable[..., Reasons]) -> Callable[..., Reasons]:
    """`build` with its answers kept per arguments (at most `MAX_KEPT`), for a probe's
    failures that repeat across deals (the same placeholder, status, date or count)."""
    seen: dict[tuple[Any, ...], Reasons] = {}

    def reasons(*args: Any) -> Reasons:
        found = seen.get(args)
        if found is None:
            found = build(*args)
            if len(seen) < MAX_KEPT:
                seen[args] = found
        return found

    return reasons


def placeholder_reasons(attribute: str) -> Callable[..., Reasons]:
    """`text -> (reason,)` for a text already known to be a placeholder, kept per text."""
    return kept(lambda text: (Reason("placeholder", attribute=attribute, text=text),))


def no_role_reasons(roles: tuple[Role, ...]) -> Callable[..., Reasons]:
    """`contact count -> (reason,)`: no contact with one of `roles` on the deal."""
    return kept(lambda count: (Reason("no_role", roles=roles, contacts=count),))


def flag_probe(attribute: str) -> Probe:
    """The probe "the yes/no `attribute` is true" (kind flag_true, and the flag of a briefing)."""
    get = attrgetter(attribute)
    missing = not_set(attribute)
    no = (Reason("false", attribute=attribute),)

    def probe(snapshot: DealSnapshot, now: datetime) -> Reasons:
        value = get(snapshot)
        if value is True:
            return PASS
        return missing if value is None else no

    return probe
