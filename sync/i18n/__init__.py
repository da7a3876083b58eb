"""Every text dealgate writes for people, in English or Japanese: one catalog per language.

    words = catalog("ja")
    words("html.section.overview")            # "概要"
    words("count.deals", n=3)                 # "3件"
    words.phase(Phase.DEFINE)                 # "定義"

The catalogs are `sync.i18n.en.TEXTS` and `sync.i18n.ja.TEXTS`: one entry per key, either a
`str.format` template or a function of keyword parameters. Both languages have the same keys with
the same parameters (a test walks them), so a missing translation fails the tests rather than
shows an English word on a Japanese page. Keys are grouped by where the text appears (`table.`,
`csv.`, `html.`, `chart.`, `finding.`, `owner.`, `run.`, `cycle.`, `demo.`); a new surface adds a
group of its own (for example `next_step.` for the texts a deal's next step shows).

What is written elsewhere, in both languages, and walked by the same test: the task texts
(`sync.texts`), the gates' titles and task wording (`gates/catalog.yaml`) and the failure reasons
(`gates.reasons`). Machine-readable keys (JSON field names, gate ids, finding codes, metric names)
never change with the language. Formats (dates, money, names) are `sync.i18n.formats`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from gates.results import Finding, FindingCode
from gates.snapshot import Phase
from mappings.mapping import MissingField
from sync.i18n import en, ja

Language = Literal["en", "ja"]
LANGUAGES: tuple[Language, ...] = ("en", "ja")
Entry = str | Callable[..., str]

FINDING_CODES: frozenset[str] = frozenset(code.value for code in FindingCode)

CATALOGS: Mapping[str, Mapping[str, Entry]] = {"en": en.TEXTS, "ja": ja.TEXTS}


def check_language(language: str) -> Language:
    """`language` when dealgate speaks it; ValueError naming the languages otherwise."""
    if language not in CATALOGS:
        raise ValueError(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    return language  # type: ignore[return-value]


def text(language: str, key: str, **params: Any) -> str:
    """The text `key` in `language`, filled with `params`. KeyError for an unknown key."""
    entry = CATALOGS[check_language(language)][key]
    return entry(**params) if callable(entry) else entry.format(**params)


class Words:
    """The catalog of one language, as a callable: `words(key, **params)`."""

    __slots__ = ("language",)

    def __init__(self, language: str) -> None:
        self.language: Language = check_language(language)

    def __call__(self, key: str, **params: Any) -> str:
        return text(self.language, key, **params)

    def phase(self, phase: Phase | str) -> str:
        """A phase's name: its id in English (`define`), the course's word in Japanese (定義)."""
        return self(f"phase.{Phase(phase).value}")

    def deals(self, count: int) -> str:
        """`1 deal`, `3 deals`; `3件`."""
        return self("count.deals", n=count)

    def finding(self, finding: Finding) -> str:
        """A deal finding in this language; a finding made without its parameters reads as its
        English message."""
        try:
            return self(f"finding.{finding.code.value}", **finding.params)
        except (KeyError, TypeError):
            return finding.message

    def missing_field(self, line: str) -> str:
        """A mapped field the CRM lacks (`CrmMapping.missing_fields`) in this language."""
        if not isinstance(line, MissingField):
            return line
        said = self(f"missing.{line.on}", what=line.what, field=line.field)
        if line.on == "deal" and line.what == "pipeline":
            said += self("missing.pipeline_fallback")
        return said


def catalog(language: str) -> Words:
    """The words of `language` (`en` or `ja`)."""
    return Words(language)


__all__ = [
    "CATALOGS",
    "FINDING_CODES",
    "LANGUAGES",
    "Entry",
    "Language",
    "Words",
    "catalog",
    "text",
]
