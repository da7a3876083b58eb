"""The gate file format: a tagged union of gate kinds, validated by pydantic.

A gate file (the bundled `catalog.yaml` or one of the user's) is a mapping with one key, `gates`,
holding a list of gates:

```yaml
gates:
  - id: budget_confirmed
    phase: discovery
    kind: enum_in                 # which evaluator; selects the shape of `evidence` and `params`
    evidence: [budget_status]     # the attributes the gate reads
    params: {values: [confirmed]}
    rule: budget_status is confirmed.
    title: {en: Budget confirmed, ja: 予算を確認}
    why: {en: ..., ja: ...}
    how: {en: ..., ja: ...}
    enabled: true                 # optional
    action: {en: Confirm the budget, ja: 予算を確認する}   # optional: the task's subject
    ongoing: false                # optional: a recurring check, never a skipped step
    qualifying: false             # optional: its task goes out before the deal is qualified
```

Kinds, their evidence and params, and when they pass:

- `field_present` (1 attribute): the value is set (text: not blank).
- `enum_in` (1 enum or text attribute, then any further attributes; `values`, `rejected`,
  `implied_past_phase`): the value is one of `values` (text: trimmed, case-insensitive); a value
  in `rejected` fails with "<noun> rejected"; with `implied_past_phase`, an empty value passes on
  a deal whose stage is past the gate's phase. Every further attribute must hold evidence too:
  a yes/no is true, a number is above zero, a text is real, a date is set (the gate's
  precondition); a further attribute that is not mapped is not asked for, so the gate stays
  evaluated without it.
- `text_real` (1 text attribute): the text is not a placeholder (gates/placeholder.py).
- `all_text_real` (1+ text attributes): no text is a placeholder.
- `date_set` (1+ date attributes): every date is set.
- `date_within` (1 date attribute; `within_days`, `direction` past/future/either): the date
  lies within N days of the run's day, on that side.
- `flag_true` (1 bool attribute): the flag is true.
- `role_present` (`contacts`; `role`): a contact with the role is on the deal.
- `key_person_contacted` (`contacts`, `last_contacted`; `roles`, `within_days`): a contact
  with one of the roles was last contacted within N days.
- `key_person_met` (`contacts`, `last_contacted`; `roles`): a contact with one of the roles
  has a recorded contact, at any time (a milestone, not a frequency).
- `person_briefed` (1 bool attribute, `contacts`, `last_contacted`; `role`): the flag is true
  and a contact with the role is on the deal with a recorded contact.
- `opposition_planned` (`contacts`, 1 text attribute; `roles`, `stances`): no contact with one
  of the roles has one of the stances, or the text (the plan to win them over) is real.
- `decision_process` (1 text attribute, `contacts`; `role`): the text is real and a contact
  with the role is on the deal.
- `stance_aligned` (`contacts`; `role`, `stances`, `min_count`): at least `min_count`
  contacts have the role, and every one of them has one of `stances`.

For the contact kinds `evidence` may be left out. Every model forbids unknown keys.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gates.attributes import ATTRIBUTE_TYPES, CONTACTS, LAST_CONTACTED, family
from gates.snapshot import (
    ApprovalStatus,
    BudgetStatus,
    Phase,
    ProposalStatus,
    Qualification,
    Role,
    Stance,
)

ENUMS: dict[str, tuple[str, ...]] = {
    "budget_status": tuple(BudgetStatus),
    "approval_status": tuple(ApprovalStatus),
    "proposal_status": tuple(ProposalStatus),
    "qualification": tuple(Qualification),
}

_VALUE_TYPES = frozenset({"text", "date", "bool", "number", "enum"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextSpec(_Strict):
    en: str = Field(min_length=1)
    ja: str = ""


# -- params, one model per kind ------------------------------------------------------------


class NoParams(_Strict):
    pass


# Bound of every day count in a gate's params: a century, far below what dates can hold.
MAX_DAYS = 36_500


class EnumInParams(_Strict):
    values: tuple[str, ...] = Field(min_length=1)
    rejected: tuple[str, ...] = ()
    # An empty value passes on a deal whose stage is past the gate's phase: moving the deal on
    # was the decision (qualification_decided: a deal in define has been pursued).
    implied_past_phase: bool = False


class DateWithinParams(_Strict):
    within_days: int = Field(ge=0, le=MAX_DAYS)
    direction: Literal["past", "future", "either"] = "either"


class RoleParams(_Strict):
    role: Role = Role.DECISION_MAKER


class KeyPersonContactedParams(_Strict):
    roles: tuple[Role, ...] = Field(
        (Role.DECISION_MAKER, Role.APPROVER, Role.INFLUENCER), min_length=1
    )
    within_days: int = Field(90, ge=0, le=MAX_DAYS)


class KeyPersonMetParams(_Strict):
    roles: tuple[Role, ...] = Field((Role.DECISION_MAKER,), min_length=1)


class OppositionParams(_Strict):
    roles: tuple[Role, ...] = Field(
        (Role.DECISION_MAKER, Role.APPROVER, Role.INFLUENCER), min_length=1
    )
    stances: tuple[Stance, ...] = Field((Stance.OPPONENT, Stance.NON_COOPERATIVE), min_length=1)


class StanceAlignedParams(_Strict):
    role: Role = Role.INFLUENCER
    stances: tuple[Stance, ...] = Field((Stance.SUPPORTER, Stance.COOPERATOR), min_length=1)
    min_count: int = Field(1, ge=0, le=1000)


# -- gates, one model per kind ---------------------------------------------------------------


def _describe_slot(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))


class GateSpec(_Strict):
    """Fields every gate has; subclasses fix `kind`, the evidence shape and `params`."""

    # Evidence shape: one type set per slot; VARIADIC repeats the single slot (1 or more).
    SLOTS: ClassVar[tuple[frozenset[str], ...]] = ()
    VARIADIC: ClassVar[bool] = False
    EXTRA: ClassVar[frozenset[str]] = frozenset()  # types of further attributes after SLOTS
    DEFAULT_EVIDENCE: ClassVar[tuple[str, ...]] = ()

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    phase: Phase
    kind: str
    evidence: tuple[str, ...] = Field((), validate_default=True)
    params: Any = None
    rule: str = ""
    title: TextSpec
    why: TextSpec | None = None
    how: TextSpec | None = None
    enabled: bool = True
    action: TextSpec | None = None
    ongoing: bool = False
    qualifying: bool = False

    @field_validator("evidence")
    @classmethod
    def _evidence_shape(cls, evidence: tuple[str, ...]) -> tuple[str, ...]:
        if not evidence and cls.DEFAULT_EVIDENCE:
            return cls.DEFAULT_EVIDENCE
        unknown = [name for name in evidence if name not in ATTRIBUTE_TYPES]
        if unknown:
            raise ValueError("; ".join(f"unknown attribute {name!r}" for name in unknown))
        if cls.VARIADIC:
            slots = (cls.SLOTS[0],) * len(evidence)
            wanted = f"one or more {_describe_slot(cls.SLOTS[0])} attributes"
        else:
            slots = cls.SLOTS
            if cls.EXTRA and len(evidence) > len(slots):
                slots = slots + (cls.EXTRA,) * (len(evidence) - len(slots))
            wanted = ", ".join(_describe_slot(s) for s in slots)
        if not evidence or len(evidence) != len(slots):
            raise ValueError(f"needs {wanted}" if cls.VARIADIC else f"needs exactly: {wanted}")
        for name, types in zip(evidence, slots, strict=True):
            if family(name) not in types:
                raise ValueError(f"{name!r} is {ATTRIBUTE_TYPES[name]}, expected {wanted}")
        return evidence


class FieldPresentGate(GateSpec):
    SLOTS = (_VALUE_TYPES,)
    kind: Literal["field_present"]
    params: NoParams = NoParams()


class EnumInGate(GateSpec):
    SLOTS = (frozenset({"enum", "text"}),)
    EXTRA = frozenset({"text", "date", "bool", "number"})
    kind: Literal["enum_in"]
    params: EnumInParams

    @model_validator(mode="after")
    def _values_of_the_enum(self) -> EnumInGate:
        allowed = ENUMS.get(self.evidence[0]) if self.evidence else None
        if allowed is not None:
            bad = [v for v in (*self.params.values, *self.params.rejected) if v not in allowed]
            if bad:
                raise ValueError(
                    f"params: {', '.join(repr(v) for v in bad)} not a value of "
                    f"{self.evidence[0]} (one of {', '.join(allowed)})"
                )
        return self


class TextRealGate(GateSpec):
    SLOTS = (frozenset({"text"}),)
    kind: Literal["text_real"]
    params: NoParams = NoParams()


class AllTextRealGate(GateSpec):
    SLOTS = (frozenset({"text"}),)
    VARIADIC = True
    kind: Literal["all_text_real"]
    params: NoParams = NoParams()


class DateSetGate(GateSpec):
    SLOTS = (frozenset({"date"}),)
    VARIADIC = True
    kind: Literal["date_set"]
    params: NoParams = NoParams()


class DateWithinGate(GateSpec):
    SLOTS = (frozenset({"date"}),)
    kind: Literal["date_within"]
    params: DateWithinParams


class FlagTrueGate(GateSpec):
    SLOTS = (frozenset({"bool"}),)
    kind: Literal["flag_true"]
    params: NoParams = NoParams()


class RolePresentGate(GateSpec):
    SLOTS = (frozenset({CONTACTS}),)
    DEFAULT_EVIDENCE = (CONTACTS,)
    kind: Literal["role_present"]
    params: RoleParams = RoleParams()


class KeyPersonContactedGate(GateSpec):
    SLOTS = (frozenset({CONTACTS}), frozenset({LAST_CONTACTED}))
    DEFAULT_EVIDENCE = (CONTACTS, LAST_CONTACTED)
    kind: Literal["key_person_contacted"]
    params: KeyPersonContactedParams = KeyPersonContactedParams()


class KeyPersonMetGate(GateSpec):
    SLOTS = (frozenset({CONTACTS}), frozenset({LAST_CONTACTED}))
    DEFAULT_EVIDENCE = (CONTACTS, LAST_CONTACTED)
    kind: Literal["key_person_met"]
    params: KeyPersonMetParams = KeyPersonMetParams()


class PersonBriefedGate(GateSpec):
    SLOTS = (frozenset({"bool"}), frozenset({CONTACTS}), frozenset({LAST_CONTACTED}))
    kind: Literal["person_briefed"]
    params: RoleParams = RoleParams()


class OppositionPlannedGate(GateSpec):
    SLOTS = (frozenset({CONTACTS}), frozenset({"text"}))
    kind: Literal["opposition_planned"]
    params: OppositionParams = OppositionParams()


class DecisionProcessGate(GateSpec):
    SLOTS = (frozenset({"text"}), frozenset({CONTACTS}))
    kind: Literal["decision_process"]
    params: RoleParams = RoleParams()


class StanceAlignedGate(GateSpec):
    SLOTS = (frozenset({CONTACTS}),)
    DEFAULT_EVIDENCE = (CONTACTS,)
    kind: Literal["stance_aligned"]
    params: StanceAlignedParams = StanceAlignedParams()


AnyGateSpec = Annotated[
    FieldPresentGate
    | EnumInGate
    | TextRealGate
    | AllTextRealGate
    | DateSetGate
    | DateWithinGate
    | FlagTrueGate
    | RolePresentGate
    | KeyPersonContactedGate
    | KeyPersonMetGate
    | PersonBriefedGate
    | OppositionPlannedGate
    | DecisionProcessGate
    | StanceAlignedGate,
    Field(discriminator="kind"),
]

SPEC_BY_KIND: dict[str, type[GateSpec]] = {
    get_args(cls.model_fields["kind"].annotation)[0]: cls
    for cls in (
        FieldPresentGate,
        EnumInGate,
        TextRealGate,
        AllTextRealGate,
        DateSetGate,
        DateWithinGate,
        FlagTrueGate,
        RolePresentGate,
        KeyPersonContactedGate,
        KeyPersonMetGate,
        PersonBriefedGate,
        OppositionPlannedGate,
        DecisionProcessGate,
        StanceAlignedGate,
    )
}


def params_model(kind: str) -> type[BaseModel]:
    """The params model of a kind (raises KeyError for an unknown kind)."""
    annotation = SPEC_BY_KIND[kind].model_fields["params"].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


class GateFile(_Strict):
    """A whole gate file."""

    gates: list[AnyGateSpec] = Field(default_factory=list)

    @field_validator("gates", mode="before")
    @classmethod
    def _empty(cls, gates: Any) -> Any:
        return [] if gates is None else gates  # `gates:` with nothing under it
