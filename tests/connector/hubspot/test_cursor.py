"""The incremental cursor: marks survive the string map and skip what was already read."""

from __future__ import annotations

from connector.hubspot.cursor import MAX_SEEN, Mark, decode, encode

LOOKBACK = 600_000


def test_round_trip() -> None:
    mark = Mark(1_000_000, 900_000, {1_000_000: frozenset({"7", "8"}), 999_000: frozenset({"9"})})
    assert decode(encode("deals", mark), "deals") == mark


def test_empty_cursor_reads_from_the_start() -> None:
    assert decode({}, "deals").search_from(LOOKBACK) == 0


def test_search_starts_a_lookback_before_the_mark() -> None:
    assert Mark(5_000_000).search_from(LOOKBACK) == 5_000_000 - LOOKBACK


def test_floor_skips_what_a_full_read_reflected() -> None:
    assert Mark(5_000_000, 5_000_000).search_from(LOOKBACK) == 5_000_001


def test_records_sharing_a_timestamp_are_told_apart_by_id() -> None:
    mark = Mark().advance([("1", 2_000_000), ("2", 2_000_000)], LOOKBACK)
    assert mark.is_seen("1", 2_000_000)
    assert not mark.is_seen("3", 2_000_000)
    assert not mark.is_seen("1", 2_000_001)  # a newer version of a seen record is new


def test_window_forgets_what_falls_out_of_the_lookback() -> None:
    mark = Mark().advance([("1", 1_000_000)], LOOKBACK)
    later = mark.advance([("2", 1_000_000 + LOOKBACK + 1)], LOOKBACK)
    assert later.ms == 1_000_000 + LOOKBACK + 1
    assert not later.is_seen("1", 1_000_000)
    assert later.is_seen("2", later.ms)


def test_oversized_window_is_dropped_not_kept() -> None:
    many = [(str(i), 3_000_000) for i in range(MAX_SEEN + 1)]
    mark = Mark().advance(many, LOOKBACK)
    assert mark.ms == 3_000_000
    assert mark.seen == {}


def test_garbage_cursor_is_an_empty_mark() -> None:
    assert decode({"deals": "yesterday"}, "deals") == Mark()


def test_settling_raises_the_floor_and_forgets_what_lies_below() -> None:
    mark = Mark(1_000_000, 0, {1_000_000: frozenset({"1"})})
    settled = mark.settle(1_000_000 + 5)
    assert settled.search_from(LOOKBACK) == 1_000_006
    assert settled.seen == {}
    assert settled.settle(10) == settled  # a floor never goes down
