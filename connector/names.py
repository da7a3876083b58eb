"""People's names in the order their language expects.

CRMs store a given name and a family name and print them given name first (`健 佐藤`). A Japanese
(or Chinese, Korean) name reads family name first (`佐藤 健`). The rule: when either part is
written in CJK script (kanji, kana, hangul), the family name comes first; otherwise the given
name does. Pure functions, no I/O: the HubSpot connector names owners with them, the mapping
names contacts, and `--owner` matches a name in either order.
"""

from __future__ import annotations

import unicodedata


def _is_cjk(text: str) -> bool:
    if text.isascii():  # most names: no per-character lookup
        return False
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL")):
            return True
    return False


def person_name(given: str | None, family: str | None) -> str:
    """`given family`, or `family given` when the name is written in CJK script."""
    g, f = (given or "").strip(), (family or "").strip()
    if not (g and f):
        return g or f
    return f"{f} {g}" if _is_cjk(g) or _is_cjk(f) else f"{g} {f}"


def name_orders(name: str) -> set[str]:
    """A two-part name in both orders (for matching what a person types), casefolded."""
    parts = name.split()
    found = {name.strip().casefold()}
    if len(parts) == 2:
        found.add(f"{parts[1]} {parts[0]}".casefold())
    return found
