"""Text for a terminal: what comes from a CRM or a file is shown, never obeyed.

A deal, owner, stage or contact name, a field value or an error message from the CRM may hold
control characters: ANSI and OSC escape sequences (`\\x1b[2J` clears the screen, `\\x1b]0;...`
retitles the window), carriage returns that overwrite what was printed, line breaks (`\\n`, but
also U+2028, U+0085, `\\x0b`) that forge lines of a dry-run diff, and bidirectional overrides
that reorder what is shown. Every human-facing output (the table audit, the rich tables, the
dry-run diff, one-line errors, console logs) passes its text through `printable`, which replaces
each such character with a visible escape (`\\x1b`, `\\u2028`): the text stays readable and
searchable, and stays on its line. JSON, CSV and HTML reports have their own escaping.
"""

from __future__ import annotations

import unicodedata

# Bidirectional embeddings, overrides and isolates: they reorder the characters shown around them.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})  # controls, line and paragraph separators


def _unsafe(char: str) -> bool:
    return char in _BIDI or unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character, line or paragraph separator and bidi override
    replaced by a visible escape; ordinary text (CJK included) is returned unchanged."""
    if text.isprintable():  # the common case, at C speed
        return text
    return "".join(_escape(char) if _unsafe(char) else char for char in text)


def printable_lines(text: str) -> str:
    """A multi-line message kept on its lines ("\\n" stays), each line made `printable`."""
    return "\n".join(printable(line) for line in text.split("\n"))


def one_line(text: str) -> str:
    """A message on one line: line breaks become "; ", then `printable`."""
    return printable("; ".join(part.strip() for part in text.split("\n") if part.strip()))
