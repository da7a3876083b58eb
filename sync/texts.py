"""The words of a task: subject and body, in English or Japanese (`tasks.language`).

A task names what is missing (the gate and its reasons), why it matters (the gate's line from
the method) and how to close it. The connector adds the `dealgate:<gate_id>` marker line to the
body itself (`connector.markers`), so the body here is plain text without it.

Text from the CRM (the deal name; contact names and field values inside the reasons) is data,
never structure: it passes through `connector.markers.inline`, so whatever characters it holds it
stays inside its own line and can neither forge nor hide a marker.

The reasons come as `GateResult.reasons`: English strings that, when the evaluator made them,
are `gates.reasons.Reason`s and so can be written in the task's language too.

The subject is the gate's action ("Confirm the decision process and add the decision maker").
Fields are named as the rep sees them: `{attribute}` in a gate's `how` text and the attribute
names inside reasons become the label the CRM shows for the field (`labels`, read from the CRM's
metadata), or dealgate's own label where the CRM gives none. A high-priority task says why it is
high (a step of an earlier phase was skipped), and a task that stands for several gates failing
on one empty field names every step it closes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from connector.markers import SUBJECT_MAX, clip, inline
from gates.attributes import label
from gates.reasons import ja_label, localize

SUBJECT_PREFIX = "[dealgate] "
DEAL_NAME_MAX = 255  # a deal name longer than this is cut in the body (HubSpot allows 65,536)

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "deal": "Deal",
        "missing": "What is missing",
        "why": "Why it matters",
        "how": "How to close it",
        "auto": "dealgate completes this task by itself once the evidence is in the CRM.",
        "also": "This one entry also completes",
        "skipped": (
            "High priority: this is a step of the {gate} phase, and the deal's stage is already "
            "in the {deal} phase, so this step was skipped."
        ),
    },
    "ja": {
        "deal": "案件",
        "missing": "不足している点",
        "why": "なぜ重要か",
        "how": "完了させるには",
        "auto": "CRM に根拠が入力されると、dealgate がこのタスクを自動で完了します。",
        "also": "この入力で次の手順も完了します",
        "skipped": (
            "優先度が高い理由：この手順は{gate}フェーズのものですが、案件のステージはすでに"
            "{deal}フェーズに進んでいます（手順が飛ばされています）。"
        ),
    },
}

LANGUAGES = tuple(_LABELS)

# The phases in the words of the course (slide 55).
_PHASE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "discovery": "discovery",
        "define": "define",
        "decision": "decision",
        "delivery": "delivery",
        "maintenance": "maintenance",
    },
    "ja": {
        "discovery": "発見",
        "define": "定義",
        "decision": "決定",
        "delivery": "デリバリー",
        "maintenance": "維持",
    },
}

_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def field_name(attribute: str, language: str, labels: Mapping[str, str] | None = None) -> str:
    """The name of an attribute's field in a task: the CRM's label when known, else dealgate's
    own (`budget status`, `予算ステータス`); quoted as the language quotes a name."""
    known = (labels or {}).get(attribute)
    if language == "ja":
        return f"「{known or ja_label(attribute)}」"
    return f'"{known or label(attribute).capitalize()}"'


def fill_fields(text: str, language: str, labels: Mapping[str, str] | None = None) -> str:
    """`text` with every `{attribute}` replaced by the field's name (`field_name`)."""
    return _FIELD.sub(lambda m: field_name(m.group(1), language, labels), text)


class Wording(Protocol):
    """A text in both languages (gates.Text)."""

    def get(self, lang: str) -> str: ...


class GateWording(Protocol):
    """What a task says of its gate: a structural view of `gates.Gate`."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> Wording: ...

    @property
    def why(self) -> Wording: ...

    @property
    def how(self) -> Wording: ...

    @property
    def action(self) -> Wording: ...


def gate_title(gate: GateWording, language: str = "en") -> str:
    """The gate's title in `language` on one line (its id when it has none)."""
    return " ".join(gate.title.get(language).split()) or gate.id


def task_subject(gate: GateWording, language: str = "en") -> str:
    """`[dealgate] <what to do>` (the gate's action, else its title), at most 255 characters."""
    words = gate.action.get(language) or gate.title.get(language)
    title = " ".join(words.split()) or gate.id
    return clip(SUBJECT_PREFIX + title, SUBJECT_MAX)


def task_body(
    gate: GateWording,
    reasons: Sequence[str],
    deal_name: str,
    language: str = "en",
    *,
    closes_itself: bool = True,
    fields: Mapping[str, str] | None = None,
    skipped: tuple[str, str] | None = None,
    also: Sequence[GateWording] = (),
) -> str:
    """The plain-text body: deal, what is missing (with the gate's reasons), why, how.

    Reasons are written in `language` (gates.reasons.localize); plain strings as they are. The
    deal name and every reason are made inline (`connector.markers.inline`): one line each.
    `fields` names the CRM's field labels by attribute; `skipped` is (the gate's phase, the
    deal's phase) when the step was skipped (a high-priority task says why); `also` are the
    further gates the same missing entry closes (one cause, one task).
    """
    labels = _LABELS.get(language, _LABELS["en"])
    sep = "：" if language == "ja" else ": "
    name = clip(inline(deal_name).strip(), DEAL_NAME_MAX)
    lines = [f"{labels['deal']}{sep}{name}" if name else None]
    lines.append(f"{labels['missing']}{sep}{gate.title.get(language)}")
    lines.extend(
        f"- {inline(localize(reason, language, fields)).strip()}"
        for reason in reasons
        if reason.strip()
    )
    if also:
        joiner = "、" if language == "ja" else "; "
        steps = joiner.join(other.title.get(language) for other in also)
        lines.append(f"{labels['also']}{sep}{steps}")
    if skipped is not None:
        phases = _PHASE_NAMES.get(language, _PHASE_NAMES["en"])
        gate_phase, deal_phase = (phases.get(p, p) for p in skipped)
        lines.append(labels["skipped"].format(gate=gate_phase, deal=deal_phase))
    how = fill_fields(gate.how.get(language).strip(), language, fields)
    if how:
        lines.append(f"{labels['how']}{sep}{how}")
    why = gate.why.get(language).strip()
    if why:
        lines.append(f"{labels['why']}{sep}{why}")
    if closes_itself:
        lines.append(labels["auto"])
    return "\n".join(line for line in lines if line is not None)
