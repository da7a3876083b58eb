"""The incremental cursor: one high-water mark per polled object type, in a flat string map.

A mark is `(ms, floor, seen)`:
- `ms`: the newest modification time read so far (HubSpot's clock, epoch ms).
- `floor`: everything modified at or before it is already reflected, so the next search starts
  after it. A poll that started at P raises it to P - lookback; a full read sets it for contacts
  and tasks to their newest modification time, having read them through consistent batch reads.
- `seen`: records already read whose modification time is inside the lookback window, by
  timestamp. Search lags writes, so each poll re-reads from `ms - lookback`; `seen` keeps the
  records already handled in that window from being read again (this is the composite
  (timestamp, id) cursor: many records may share one timestamp).

Encoded in `Cursor` (a `Mapping[str, str]`) as `"<type>": "<ms>"`, `"<type>.floor": "<ms>"` and
`"<type>.seen": "<ms>=<id> <id>;<ms>=<id>"`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAX_SEEN = 50_000  # beyond this the window is re-read rather than remembered (cost, not loss)


@dataclass(frozen=True)
class Mark:
    ms: int = 0
    floor: int = 0
    seen: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def search_from(self, lookback_ms: int) -> int:
        """The lower bound (inclusive) of the next modification-time search."""
        return max(self.floor + 1 if self.floor else 0, self.ms - lookback_ms, 0)

    def is_seen(self, record_id: str, ms: int) -> bool:
        """Whether this version (id at this modification time) was read already."""
        return record_id in self.seen.get(ms, frozenset())

    def advance(self, read: Iterable[tuple[str, int]], lookback_ms: int) -> Mark:
        """The mark after reading `read` ((id, ms) pairs), the window trimmed to the lookback."""
        merged: dict[int, set[str]] = {ms: set(ids) for ms, ids in self.seen.items()}
        newest = self.ms
        for record_id, ms in read:
            merged.setdefault(ms, set()).add(record_id)
            newest = max(newest, ms)
        start = newest - lookback_ms
        kept = {ms: frozenset(ids) for ms, ids in merged.items() if ms >= start}
        if sum(len(ids) for ids in kept.values()) > MAX_SEEN:
            kept = {}
        return Mark(newest, self.floor, kept)

    def settle(self, floor: int) -> Mark:
        """The mark with its floor raised to `floor` (seen entries at or below it dropped).

        A poll that started at time P read everything indexed then; records modified before
        P - lookback were indexed (the lookback exceeds search lag and clock skew), so after
        the poll the floor may rise to P - lookback. Without it an idle account would re-page
        the last window of changes forever."""
        if floor <= self.floor:
            return self
        kept = {ms: ids for ms, ids in self.seen.items() if ms > floor}
        return Mark(self.ms, floor, kept)

    def remember(self, read: Iterable[tuple[str, int]], oldest: int) -> Mark:
        """The same mark with `read` added to `seen` (entries older than `oldest` dropped),
        without moving `ms`: a full read notes what it saw of the window."""
        merged: dict[int, set[str]] = {ms: set(ids) for ms, ids in self.seen.items()}
        for record_id, ms in read:
            if ms >= oldest:
                merged.setdefault(ms, set()).add(record_id)
        kept = {ms: frozenset(ids) for ms, ids in merged.items()}
        if sum(len(ids) for ids in kept.values()) > MAX_SEEN:
            kept = {}
        return Mark(self.ms, self.floor, kept)


def decode(cursor: Mapping[str, str], key: str) -> Mark:
    """The mark stored under `key` ({} or garbage gives an empty mark: read from the start)."""
    try:
        ms = int(cursor.get(key, "0") or 0)
        floor = int(cursor.get(f"{key}.floor", "0") or 0)
    except ValueError:
        return Mark()
    seen: dict[int, frozenset[str]] = {}
    for group in (cursor.get(f"{key}.seen") or "").split(";"):
        stamp, _, ids = group.partition("=")
        if stamp.strip().isdigit() and ids.strip():
            seen[int(stamp)] = frozenset(ids.split())
    return Mark(ms, floor, seen)


def encode(key: str, mark: Mark) -> dict[str, str]:
    """The cursor entries for one mark."""
    entries = {key: str(mark.ms)}
    if mark.floor:
        entries[f"{key}.floor"] = str(mark.floor)
    if mark.seen:
        entries[f"{key}.seen"] = ";".join(
            f"{ms}={' '.join(sorted(ids))}" for ms, ids in sorted(mark.seen.items())
        )
    return entries
