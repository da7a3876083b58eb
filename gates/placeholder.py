"""The placeholder rule (docs/design.md section 5): text evidence counts only when it says
something.

A text is a placeholder when, after trimming whitespace and trailing `.`, `!`, `?`, it is
case-insensitively equal to one of `tbd`, `tbc`, `n/a`, `na`, `none`, `unknown`, `-`, `--`, `?`,
`未定`, `不明`, `なし`; or when it is empty (or missing).

The rule is a public contract (users' CRM reports count placeholders by it), so it is applied
exactly: whitespace is any Unicode whitespace (the ideographic space too), but no other
character is trimmed or folded. Full-width forms (`ＴＢＤ`, `未定。`, `不明？`) and texts that
merely contain a placeholder word (`TBD by March`, `未定です`) are real text.
"""

from __future__ import annotations

PLACEHOLDERS: frozenset[str] = frozenset(
    {"tbd", "tbc", "n/a", "na", "none", "unknown", "-", "--", "?", "未定", "不明", "なし"}
)

_TRAILING = ".!?"
# No placeholder is longer than this once trimmed, so longer text is real at once.
_LONGEST = max(len(p) for p in PLACEHOLDERS)


def _trim(text: str) -> str:
    trimmed = text.strip()
    while trimmed and trimmed[-1] in _TRAILING:
        trimmed = trimmed[:-1].rstrip()
    return trimmed


# Verdicts on short texts, which repeat a lot ("TBD", "", "未定"); bounded.
_VERDICTS: dict[str, bool] = {}
_MAX_VERDICTS = 4096
_SHORT = 32


def _judge(text: str) -> bool:
    trimmed = _trim(text)
    if len(trimmed) > _LONGEST:
        return False
    folded = trimmed.casefold()
    return not folded or folded in PLACEHOLDERS


def is_placeholder(text: str | None) -> bool:
    """True when `text` is missing, empty, or only a placeholder such as `TBD` or `未定`."""
    if text is None:
        return True
    verdict = _VERDICTS.get(text)
    if verdict is not None:
        return verdict
    # Fast path: longer than any placeholder, with nothing to trim at either end.
    if len(text) > _LONGEST and not (
        text[0].isspace() or text[-1].isspace() or text[-1] in _TRAILING
    ):
        return False
    verdict = _judge(text)
    if len(text) <= _SHORT and len(_VERDICTS) < _MAX_VERDICTS:
        _VERDICTS[text] = verdict
    return verdict


def is_empty(text: str | None) -> bool:
    """True when `text` is missing or holds nothing but whitespace and trailing `.`, `!`, `?`."""
    return text is None or not _trim(text)


def placeholder_reason(attribute_label: str, text: str | None) -> str | None:
    """The failure reason for a text attribute, or None when the text is real.

    `decision process is a placeholder: 'TBD'`; missing or blank text reads
    `decision process is empty (placeholder)`.
    """
    if not is_placeholder(text):
        return None
    if text is None or is_empty(text):
        return f"{attribute_label} is empty (placeholder)"
    return f"{attribute_label} is a placeholder: '{text.strip()}'"
