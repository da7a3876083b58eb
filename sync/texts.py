"""The words of a task: subject and body, in English or Japanese (`tasks.language`).

A task names what is missing (the gate and its reasons), why it matters (the gate's line from
the method) and how to close it. The connector adds the `dealgate:<gate_id>` marker line to the
body itself (`connector.markers`), so the body here is plain text without it.

Text from the CRM (the deal name; contact names and field values inside the reasons) is data,
never structure: it passes through `connector.markers.inline`, so whatever characters it holds it
stays inside its own line and can neither forge nor hide a marker.

The reasons come as `GateResult.reasons`: English strings that, when the evaluator made them,
are `gates.reasons.Reason`s and so can be written in the task's language too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from connector.markers import SUBJECT_MAX, clip, inline
from gates.reasons import localize

SUBJECT_PREFIX = "[dealgate] "
DEAL_NAME_MAX = 255  # a deal name longer than this is cut in the body (HubSpot allows 65,536)

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "deal": "Deal",
        "missing": "What is missing",
        "why": "Why it matters",
        "how": "How to close it",
        "auto": "dealgate completes this task by itself once the evidence is in the CRM.",
    },
    "ja": {
        "deal": "案件",
        "missing": "不足している点",
        "why": "なぜ重要か",
        "how": "完了させるには",
        "auto": "CRM に根拠が入力されると、dealgate がこのタスクを自動で完了します。",
    },
}

LANGUAGES = tuple(_LABELS)


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


def gate_title(gate: GateWording, language: str = "en") -> str:
    """The gate's title in `language` on one line (its id when it has none)."""
    return " ".join(gate.title.get(language).split()) or gate.id


def task_subject(gate: GateWording, language: str = "en") -> str:
    """`[dealgate] <gate title>`, at most 255 characters."""
    return clip(SUBJECT_PREFIX + gate_title(gate, language), SUBJECT_MAX)


def task_body(
    gate: GateWording,
    reasons: Sequence[str],
    deal_name: str,
    language: str = "en",
    *,
    closes_itself: bool = True,
) -> str:
    """The plain-text body: deal, what is missing (with the gate's reasons), why, how.

    Reasons are written in `language` (gates.reasons.localize); plain strings as they are. The
    deal name and every reason are made inline (`connector.markers.inline`): one line each.
    """
    labels = _LABELS.get(language, _LABELS["en"])
    name = clip(inline(deal_name).strip(), DEAL_NAME_MAX)
    lines = [f"{labels['deal']}: {name}" if name else None]
    lines.append(f"{labels['missing']}: {gate.title.get(language)}")
    lines.extend(
        f"- {inline(localize(reason, language)).strip()}" for reason in reasons if reason.strip()
    )
    why = gate.why.get(language).strip()
    if why:
        lines.append(f"{labels['why']}: {why}")
    how = gate.how.get(language).strip()
    if how:
        lines.append(f"{labels['how']}: {how}")
    if closes_itself:
        lines.append(labels["auto"])
    return "\n".join(line for line in lines if line is not None)
