"""The incremental cursor: one watermark per object read, with a lookback window (pure).

Each cycle asks for rows with `SystemModstamp >= window_start(mark)`, where the window reaches
`lookback` before the newest stamp seen. That catches transactions that commit late with an
earlier stamp and rows sharing the boundary timestamp. Rows already handled inside the window are
remembered as (id, stamp) pairs, so a quiet cycle hands nothing on twice; a row that changes again
gets a new stamp and counts as new.

Cursor layout (a flat mapping of strings, as `connector.base.Cursor` requires):
    {"deals": "2026-11-27T04:00:00.000+0000|006xx", "deals.seen": "006xx@2026-...+0000 ...", ...}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from connector.base import Cursor
from connector.salesforce.records import parse_datetime

DEALS = "deals"  # changed and deleted opportunities, from one queryAll
CONTACT_ROLES = "contact_roles"
TASKS = "tasks"
CONTACTS = "contacts"
OBJECTS = (DEALS, CONTACT_ROLES, TASKS, CONTACTS)


def window_start(stamp: datetime, lookback: timedelta) -> datetime:
    """The first SystemModstamp the next query asks for: `lookback` before `stamp`, floored to
    the second because SOQL dateTime literals carry no milliseconds."""
    return (stamp - lookback).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Watermark:
    """The newest row seen of one object, and the rows seen inside its lookback window."""

    stamp: datetime | None = None  # None: nothing seen yet, read from the beginning
    last_id: str = ""
    seen: frozenset[tuple[str, str]] = frozenset()  # (id, raw SystemModstamp)

    def since(self, lookback: timedelta) -> datetime | None:
        """Where the next query starts, or None for "from the beginning"."""
        return None if self.stamp is None else window_start(self.stamp, lookback)

    def is_new(self, row_id: str, raw_stamp: str) -> bool:
        """False when this exact version of the row was handled by an earlier cycle."""
        return (row_id, raw_stamp) not in self.seen


@dataclass
class WatermarkBuilder:
    """Collects the rows of one cycle into the next watermark."""

    previous: Watermark
    rows: list[tuple[str, str, datetime]] = field(default_factory=list)

    def add(self, row_id: str, raw_stamp: str) -> None:
        stamp = parse_datetime(raw_stamp)
        if stamp is not None:
            self.rows.append((row_id, raw_stamp, stamp))

    def build(self, lookback: timedelta, *, advance: bool = True) -> Watermark:
        """The watermark after this cycle: the newest (stamp, id), and every row inside the
        new window (the rows a next query would return again). With `advance` false the stamp
        stays where it was and only the rows handled are remembered."""
        newest = max(((stamp, row_id) for row_id, _, stamp in self.rows), default=None)
        stamp, last_id = self.previous.stamp, self.previous.last_id
        if advance and newest is not None and (stamp is None or newest > (stamp, last_id)):
            stamp, last_id = newest
        if stamp is None:
            return Watermark()
        start = window_start(stamp, lookback)
        kept = {(row_id, raw) for row_id, raw, seen_at in self.rows if seen_at >= start}
        kept |= {pair for pair in self.previous.seen if _stamp_of(pair) >= start}
        return Watermark(stamp, last_id, frozenset(kept))


def _stamp_of(pair: tuple[str, str]) -> datetime:
    return parse_datetime(pair[1]) or datetime.min.replace(tzinfo=UTC)


def _format_stamp(stamp: datetime) -> str:
    return stamp.isoformat(timespec="milliseconds")


def encode(marks: Mapping[str, Watermark]) -> dict[str, str]:
    """The cursor for a set of watermarks."""
    cursor: dict[str, str] = {}
    for name, mark in marks.items():
        if mark.stamp is None:
            cursor[name] = ""
            continue
        cursor[name] = f"{_format_stamp(mark.stamp)}|{mark.last_id}"
        if mark.seen:
            cursor[f"{name}.seen"] = " ".join(f"{i}@{s}" for i, s in sorted(mark.seen))
    return cursor


def _decode_seen(text: str) -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for item in text.split():
        row_id, _, raw = item.partition("@")
        if row_id and raw:
            pairs.add((row_id, raw))
    return frozenset(pairs)


def decode(cursor: Cursor, names: Iterable[str] = OBJECTS) -> dict[str, Watermark]:
    """Watermarks from a cursor; unknown or unreadable entries start from the beginning."""
    marks: dict[str, Watermark] = {}
    for name in names:
        stamp_text, _, last_id = (cursor.get(name) or "").partition("|")
        stamp = parse_datetime(stamp_text)
        seen = _decode_seen(cursor.get(f"{name}.seen", "")) if stamp is not None else frozenset()
        marks[name] = Watermark(stamp, last_id if stamp is not None else "", seen)
    return marks


def is_empty(cursor: Cursor) -> bool:
    """True for a cursor that holds no position at all (first run): read everything."""
    return not any(cursor.get(name) for name in OBJECTS)
