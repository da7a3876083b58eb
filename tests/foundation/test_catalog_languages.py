"""The catalogs of texts (sync/i18n): every key in every language, with the same parameters.

A missing translation must be a failing test, not an English word on a Japanese page. Besides the
report, summary and demo catalog, this walks the other places texts live in both languages: the
task labels (sync/texts.py) and the failure reasons (gates/reasons.py); the gates' own texts are
walked by tests/gates/test_catalog_gates.py.
"""

from __future__ import annotations

import inspect
import re
import string
from collections.abc import Callable

import pytest

from connector.base import Priority
from gates.reasons import CODES, Reason
from gates.results import FindingCode
from gates.snapshot import Phase
from sync import planner
from sync.i18n import CATALOGS, LANGUAGES, Entry, Words, text
from sync.texts import _LABELS
from tests.audit.test_japanese import REASON_SAMPLES

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH = CATALOGS["en"]
# Entries that read the same in both languages: punctuation and placeholders only.
SAME_IN_BOTH = {"html.run.filter", "chart.funnel.tip", "table.top_gates.gate"}


def parameters(entry: Entry) -> set[str]:
    """The names a template or a function of the catalog takes."""
    if isinstance(entry, str):
        return {name for _, name, _, _ in string.Formatter().parse(entry) if name}
    assert isinstance(entry, Callable)  # type: ignore[arg-type]
    return set(inspect.signature(entry).parameters)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_key(language: str) -> None:
    catalog = CATALOGS[language]
    assert sorted(set(ENGLISH) - set(catalog)) == []  # missing here
    assert sorted(set(catalog) - set(ENGLISH)) == []  # unknown in English


@pytest.mark.parametrize("key", sorted(ENGLISH))
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_key_takes_the_same_parameters_and_is_translated(language: str, key: str) -> None:
    entry = CATALOGS[language][key]
    assert parameters(entry) == parameters(ENGLISH[key])
    if isinstance(entry, str) and key not in SAME_IN_BOTH and not key.startswith("phase."):
        # a Japanese text says something in Japanese (CSV headers too); English left in is a bug
        literal = re.sub(r"\{[^}]*\}", "", entry)
        assert language != "ja" or JAPANESE.search(literal) or not re.search("[A-Za-z]{3}", literal)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_and_value_has_its_words(language: str) -> None:
    words = Words(language)
    for phase in Phase:
        assert words.phase(phase)
    for code in FindingCode:
        assert f"finding.{code.value}" in CATALOGS[language]
        assert words(f"demo.meaning.{code.value}")
    for priority in Priority:
        assert words(f"cycle.priority.{priority.value}")
    for reason in (planner.PASSED, planner.LEFT_SCOPE, planner.DELETED, planner.MOOT,
                   planner.GATE_OFF):  # fmt: skip
        assert words(f"cycle.why.{reason}")
    for on in ("deal", "link", "contact"):
        assert words(f"missing.{on}", what="x", field="y")


def test_japanese_phases_are_the_courses_words() -> None:
    words = Words("ja")
    assert [words.phase(p) for p in Phase] == ["発見", "定義", "決定", "デリバリー", "維持"]


def test_task_labels_exist_in_every_language() -> None:
    assert set(_LABELS) == set(LANGUAGES)
    assert all(set(labels) == set(_LABELS["en"]) for labels in _LABELS.values())


@pytest.mark.parametrize("code", CODES)
def test_every_reason_code_reads_in_japanese(code: str) -> None:
    reason = Reason(code, **REASON_SAMPLES[code])
    assert JAPANESE.search(reason.text("ja"))
    assert reason.text("en") == reason


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        text("fr", "common.none")
