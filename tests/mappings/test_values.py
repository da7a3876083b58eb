"""Every raw value format the two CRMs send, parsed once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from gates.snapshot import ApprovalStatus, Stance
from mappings.values import (
    Unreadable,
    label_key,
    match_enum,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_last_contact,
    parse_number,
)

MOMENT = datetime(2026, 11, 27, 4, 13, 37, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2026-11-27T04:13:37.000+0000", MOMENT, id="salesforce"),
        pytest.param("2026-11-27T04:13:37Z", MOMENT, id="iso-z"),
        pytest.param("2026-11-27T04:13:37.000Z", MOMENT, id="iso-z-millis"),
        pytest.param("2026-11-27T13:13:37+09:00", MOMENT, id="iso-offset"),
        pytest.param("2026-11-27T04:13:37", MOMENT, id="no-offset-is-utc"),
        pytest.param(" 2026-11-27T04:13:37Z\n", MOMENT, id="iso-in-spaces"),
        pytest.param("1795752817000", MOMENT, id="epoch-ms"),
        pytest.param(1795752817000, MOMENT, id="epoch-ms-number"),
        pytest.param("2026-11-27", datetime(2026, 11, 27, tzinfo=UTC), id="date-start-of-day"),
        pytest.param(MOMENT, MOMENT, id="already-parsed"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="null"),
    ],
)
def test_parse_datetime(raw: Any, expected: datetime | None) -> None:
    parsed = parse_datetime(raw)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2026-11-27", date(2026, 11, 27), id="salesforce-date"),
        pytest.param("2026-11-27T00:00:00Z", date(2026, 11, 27), id="hubspot-midnight"),
        pytest.param("2026-11-27T00:00:00.000Z", date(2026, 11, 27), id="hubspot-midnight-ms"),
        pytest.param("1795737600000", date(2026, 11, 27), id="hubspot-epoch-ms"),
        pytest.param("2026-11-27T00:00:00+09:00", date(2026, 11, 27), id="the-date-as-written"),
        pytest.param(" ", None, id="blank"),
    ],
)
def test_parse_date(raw: Any, expected: date | None) -> None:
    assert parse_date(raw) == expected


def test_last_contact_on_a_date_counts_until_the_end_of_that_day_utc() -> None:
    moment = parse_last_contact("2026-11-27")
    assert moment is not None
    assert moment.date() == date(2026, 11, 27)
    assert moment.tzinfo is not None
    assert moment > datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC)
    assert moment < datetime(2026, 11, 28, tzinfo=UTC)


def test_last_contact_datetime_is_taken_as_is() -> None:
    assert parse_last_contact("2026-11-27T04:13:37.000Z") == MOMENT
    jst = timezone(timedelta(hours=9))
    assert parse_last_contact(datetime(2026, 11, 27, 13, 13, 37, tzinfo=jst)) == MOMENT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        ("TRUE", True),
        ("yes", True),
        ("0", False),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(raw: Any, expected: bool | None) -> None:
    assert parse_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(12500.5, 12500.5), ("12500.50", 12500.5), (" 300 ", 300.0), (0, 0.0), ("", None)],
)
def test_parse_number(raw: Any, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (parse_datetime, "yesterday"),
        (parse_datetime, "99999999999999999999999"),
        (parse_datetime, float("nan")),
        (parse_datetime, "2026-11-27T25:13:37Z"),
        (parse_datetime, "9999-12-31T23:59:59-01:00"),  # past the last UTC datetime
        (parse_date, "2026-13-45"),
        (parse_date, True),
        (parse_bool, "maybe"),
        (parse_bool, 7),
        (parse_number, "12,5 EUR"),
        (parse_number, "nan"),
        (parse_number, "1e400"),
        (parse_number, True),
    ],
)
def test_unreadable_values_raise_unreadable(parse: Callable[[Any], Any], raw: Any) -> None:
    with pytest.raises(Unreadable):
        parse(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("in_review", ApprovalStatus.IN_REVIEW),
        ("IN_REVIEW", ApprovalStatus.IN_REVIEW),
        ("In Review", ApprovalStatus.IN_REVIEW),
        ("Submitted", ApprovalStatus.IN_REVIEW),
        ("submitted ", ApprovalStatus.IN_REVIEW),
        ("", None),
    ],
)
def test_match_enum_ids_first_then_translation(raw: str, expected: ApprovalStatus | None) -> None:
    translation = {label_key("Submitted"): ApprovalStatus.IN_REVIEW}
    assert match_enum(raw, ApprovalStatus, translation) is expected


def test_match_enum_refuses_unknown_labels() -> None:
    with pytest.raises(Unreadable):
        match_enum("○", Stance, {})
    assert match_enum("○", Stance, {"○": Stance.SUPPORTER}) is Stance.SUPPORTER
