"""A gate as the rest of dealgate sees it, and the error a bad gate configuration raises.

`Gate` is the parsed, frozen form of one entry of a gate file (the bundled `catalog.yaml` or a
user file); `Catalog` (gates/catalog.py) holds them in order. A gate's identity is its `id`;
`source` is where it was defined (`file:line`), for error messages and generated docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gates.snapshot import Phase


class GateConfigError(Exception):
    """A gate configuration that cannot be used; `problems` holds one `file:line: message` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Text:
    """A text in English and Japanese; `get` falls back to English when no Japanese is given."""

    en: str
    ja: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang` (`en` or `ja`)."""
        if lang == "ja" and self.ja:
            return self.ja
        return self.en


def freeze(value: Any) -> Any:
    """A read-only copy of plain data: dicts become mapping proxies, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain, mutable data again (for re-validation and for printing)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, eq=True)
class Gate:
    """One gate: what it checks (`kind`, `evidence`, `params`) and what the rep reads about it.

    `rule` is the English sentence that states the check, for generated docs. `params` are
    plain values (strings, numbers, tuples), read-only. `action` is the task's subject, an
    action ("Confirm the budget"). An `ongoing` gate is a recurring check (contact frequency):
    it is checked in every selling phase from its own on and is never a skipped step. A
    `qualifying` gate is one of the few whose tasks go out while the deal's qualification
    (pursue, pend or drop) is still open.
    """

    id: str
    phase: Phase
    kind: str
    title: Text
    why: Text
    how: Text
    evidence: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    enabled: bool = True
    source: str = ""
    rule: str = ""
    action: Text = Text("")
    ongoing: bool = False
    qualifying: bool = False

    def subject(self, lang: str) -> str:
        """What the task asks, as an action (`action`), or the title when there is none."""
        return self.action.get(lang) or self.title.get(lang)

    def __hash__(self) -> int:
        return hash((self.id, self.phase, self.kind, self.evidence, self.enabled, self.source))
