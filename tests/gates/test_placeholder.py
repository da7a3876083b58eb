"""The placeholder rule of docs/design.md section 5, exactly: Japanese placeholders count, but no
character beyond whitespace and trailing `.`, `!`, `?` is trimmed or folded."""

from __future__ import annotations

import pytest

from gates.placeholder import is_placeholder, placeholder_reason

PLACEHOLDERS = [
    pytest.param(None, id="missing"),
    pytest.param("", id="empty"),
    pytest.param("   \t\n", id="whitespace"),
    pytest.param("TBD", id="tbd"),
    pytest.param("tbc", id="tbc"),
    pytest.param("N/A", id="n/a"),
    pytest.param("na", id="na"),
    pytest.param("None", id="none"),
    pytest.param("UNKNOWN", id="unknown-upper"),
    pytest.param("-", id="dash"),
    pytest.param("--", id="double-dash"),
    pytest.param("?", id="question-mark"),
    pytest.param("未定", id="mitei"),
    pytest.param("不明", id="fumei"),
    pytest.param("なし", id="nashi"),
    pytest.param("  TBD.  ", id="trailing-dot-and-spaces"),
    pytest.param("tbd!?", id="trailing-bang-question"),
    pytest.param("n/a...", id="trailing-dots"),
    pytest.param("TBD .", id="space-before-dot"),
    pytest.param("???", id="only-question-marks"),
    pytest.param("\u3000未定\u3000", id="ideographic-spaces"),
    pytest.param("未定 ?", id="japanese-with-question-mark"),
]

REAL = [
    pytest.param("Replace the order system", id="sentence"),
    pytest.param("TBD by March", id="placeholder-word-inside"),
    pytest.param("未定です", id="japanese-sentence"),
    pytest.param("no", id="short-word"),
    pytest.param("n.a.", id="dotted-na"),
    pytest.param("-x", id="dash-prefix"),
    pytest.param("CIO", id="short-acronym"),
    pytest.param("情報システム部長が決裁", id="japanese-real"),
    pytest.param("?!x", id="punctuation-then-letter"),
    # The section 5 list is exact (a public contract): full-width forms and Japanese
    # punctuation are neither folded nor trimmed.
    pytest.param("ＴＢＤ", id="full-width-letters"),
    pytest.param("Ｎ／Ａ", id="full-width-slash"),
    pytest.param("未定。", id="ideographic-full-stop"),
    pytest.param("不明？", id="full-width-question"),
    pytest.param("なし！", id="full-width-bang"),
    pytest.param("－", id="full-width-hyphen"),
    pytest.param("unknown…", id="ellipsis"),
]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholders_do_not_count_as_evidence(text: str | None) -> None:
    assert is_placeholder(text)
    reason = placeholder_reason("decision process", text)
    assert reason is not None and "placeholder" in reason


@pytest.mark.parametrize("text", REAL)
def test_real_text_counts(text: str) -> None:
    assert not is_placeholder(text)
    assert placeholder_reason("decision process", text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("TBD", "decision process is a placeholder: 'TBD'", id="quoted"),
        pytest.param("  n/a. ", "decision process is a placeholder: 'n/a.'", id="trimmed"),
        pytest.param("", "decision process is empty (placeholder)", id="empty"),
        pytest.param(None, "decision process is empty (placeholder)", id="missing"),
    ],
)
def test_placeholder_reason_names_the_text(text: str | None, reason: str) -> None:
    assert placeholder_reason("decision process", text) == reason


def test_verdict_is_the_same_on_repeat() -> None:
    # Short texts are remembered; the second answer must match the first.
    assert [is_placeholder("TBD"), is_placeholder("TBD")] == [True, True]
    assert [is_placeholder("CIO"), is_placeholder("CIO")] == [False, False]
