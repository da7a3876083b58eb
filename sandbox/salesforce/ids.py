"""Salesforce record ids: 15-character case-sensitive ids and their 18-character checksum form.

An id is a 3-character key prefix (`006` Opportunity, `003` Contact, ...), a 2-character pod,
a reserved `0` and a 9-character base-62 counter; the 18-character form appends three letters
that encode where the upper-case characters are, so the id survives case-insensitive systems.
"""

from __future__ import annotations

import itertools
import re
import threading

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_SHAPE = re.compile(r"^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$")
_POD = "5j0"


def checksum(id15: str) -> str:
    """The 3-character suffix that turns a 15-character id into its 18-character form."""
    suffix = ""
    for chunk in range(3):
        flags = 0
        for bit, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                flags |= 1 << bit
        suffix += _SUFFIX[flags]
    return suffix


def to18(value: str) -> str | None:
    """The canonical 18-character id for a 15- or 18-character id, or None if malformed."""
    if not _ID_SHAPE.match(value):
        return None
    id15 = value[:15]
    return id15 + checksum(id15)


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(width, "0")


class IdFactory:
    """Deterministic, increasing ids per key prefix (thread-safe)."""

    def __init__(self, start: int = 1_000_000) -> None:
        self._start = start
        self._counters: dict[str, itertools.count[int]] = {}
        self._lock = threading.Lock()

    def block(self, prefix: str, count: int) -> list[str]:
        """`count` fresh ids at once (for bulk loads)."""
        with self._lock:
            counter = self._counters.setdefault(prefix, itertools.count(self._start))
            numbers = [next(counter) for _ in range(count)]
        out = []
        for number in numbers:
            id15 = prefix + _POD + _base62(number, 9)
            out.append(id15 + checksum(id15))
        return out

    def new(self, prefix: str) -> str:
        """A fresh 18-character id with the given 3-character key prefix."""
        with self._lock:
            counter = self._counters.setdefault(prefix, itertools.count(self._start))
            number = next(counter)
        id15 = prefix + _POD + _base62(number, 9)
        return id15 + checksum(id15)
