"""Incremental watermarks: lookback window, equal timestamps, nothing handed on twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.salesforce import cursor as marks

LOOKBACK = timedelta(minutes=10)


def _mark(rows: list[tuple[str, str]], previous: marks.Watermark | None = None) -> marks.Watermark:
    builder = marks.WatermarkBuilder(previous or marks.Watermark())
    for row_id, stamp in rows:
        builder.add(row_id, stamp)
    return builder.build(LOOKBACK)


def test_the_next_query_starts_a_lookback_before_the_newest_stamp() -> None:
    mark = _mark(
        [("006A", "2026-11-27T04:00:00.750+0000"), ("006B", "2026-11-27T03:00:00.000+0000")]
    )
    assert mark.stamp == datetime(2026, 11, 27, 4, 0, 0, 750_000, tzinfo=UTC)
    assert mark.last_id == "006A"
    assert mark.since(LOOKBACK) == datetime(2026, 11, 27, 3, 50, tzinfo=UTC)


def test_rows_seen_inside_the_window_are_not_new_but_their_next_versions_are() -> None:
    mark = _mark([("006A", "2026-11-27T04:00:00.000+0000")])
    assert not mark.is_new("006A", "2026-11-27T04:00:00.000+0000")
    assert mark.is_new("006A", "2026-11-27T04:00:01.000+0000")
    # a late commit with the same stamp as the boundary is new
    assert mark.is_new("006B", "2026-11-27T04:00:00.000+0000")


def test_rows_that_fall_out_of_the_window_are_forgotten() -> None:
    first = _mark([("006A", "2026-11-27T04:00:00.000+0000")])
    second = _mark([("006B", "2026-11-27T05:00:00.000+0000")], first)
    assert second.seen == frozenset({("006B", "2026-11-27T05:00:00.000+0000")})


def test_a_quiet_cycle_keeps_the_watermark() -> None:
    first = _mark([("006A", "2026-11-27T04:00:00.000+0000")])
    assert _mark([], first) == first


def test_cursor_round_trip() -> None:
    deals = _mark(
        [("006A", "2026-11-27T04:00:00.000+0000"), ("006B", "2026-11-27T04:00:00.000+0000")]
    )
    cursor = marks.encode({marks.DEALS: deals, marks.TASKS: marks.Watermark()})
    assert cursor[marks.DEALS] == "2026-11-27T04:00:00.000+00:00|006B"
    assert all(isinstance(v, str) for v in cursor.values())
    decoded = marks.decode(cursor)
    assert decoded[marks.DEALS] == deals
    assert decoded[marks.TASKS] == marks.Watermark()
    assert not marks.is_empty(cursor)
    assert marks.is_empty({})
