"""The attributes a gate may read, their value types, and the words used for them in reasons.

Gates name evidence by dealgate attribute (gates/snapshot.py), never by CRM field. Besides the
evidence attributes, a gate may read:

- `contacts`: the key persons on the deal (roles D/A/I and stances, slides 73-75);
- `last_contacted`: when each contact was last contacted (read together with `contacts`);
- the standard deal fields `close_date`, `amount`, `currency` and `owner_id`, which every CRM
  account has, so they are never outside `snapshot.mapped` and never make a gate
  `not_evaluated`.
"""

from __future__ import annotations

from gates.snapshot import CONTACT_ATTRIBUTES, EVIDENCE_ATTRIBUTES, Role, Stance

CONTACTS = "contacts"
LAST_CONTACTED = "last_contacted"

# Standard fields: present in every account, so always treated as mapped.
STANDARD_ATTRIBUTES: dict[str, str] = {
    "close_date": "date",
    "amount": "number",
    "currency": "text",
    "owner_id": "text",
}

# attribute -> type: "text", "date", "bool", "number", "enum:<name>", "contacts", "last_contacted"
ATTRIBUTE_TYPES: dict[str, str] = {
    **EVIDENCE_ATTRIBUTES,
    **STANDARD_ATTRIBUTES,
    **{name: name for name in CONTACT_ATTRIBUTES},
}


def family(attribute: str) -> str:
    """The type family of an attribute: `enum:budget_status` -> `enum`; unknown -> ``."""
    kind = ATTRIBUTE_TYPES.get(attribute, "")
    return kind.split(":", 1)[0]


def label(attribute: str) -> str:
    """How reasons name an attribute: `budget_status` -> `budget status`."""
    return attribute.replace("_", " ")


ROLE_NAMES: dict[Role, str] = {
    Role.DECISION_MAKER: "decision maker",
    Role.APPROVER: "approver",
    Role.INFLUENCER: "influencer",
}

# The power-map symbols of slide 75.
STANCE_SYMBOLS: dict[Stance, str] = {
    Stance.SUPPORTER: "○",
    Stance.COOPERATOR: "△",
    Stance.NEUTRAL: "ー",
    Stance.NON_COOPERATIVE: "▽",
    Stance.OPPONENT: "×",
    Stance.UNKNOWN: "?",
}


def role_phrase(roles: tuple[Role, ...]) -> str:
    """`(D,)` -> `decision maker (D)`; several roles -> `key person (D, A or I)`."""
    if len(roles) == 1:
        return f"{ROLE_NAMES[roles[0]]} ({roles[0].value})"
    codes = [r.value for r in roles]
    return f"key person ({', '.join(codes[:-1])} or {codes[-1]})"


_STANCE_WORDS: dict[Stance, str] = {
    Stance.SUPPORTER: "a supporter",
    Stance.COOPERATOR: "a cooperator",
    Stance.NEUTRAL: "neutral",
    Stance.NON_COOPERATIVE: "non-cooperative",
    Stance.OPPONENT: "an opponent",
}


def stance_phrase(stance: Stance | None) -> str:
    """`Stance.OPPONENT` -> `an opponent (×)`; None or unknown -> `of unknown stance`."""
    if stance is None or stance is Stance.UNKNOWN:
        return "of unknown stance"
    return f"{_STANCE_WORDS[stance]} ({STANCE_SYMBOLS[stance]})"
