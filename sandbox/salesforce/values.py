"""Field values between the wire and the store.

The store keeps native Python values (str, bool, float, `date`, aware UTC `datetime` with
millisecond precision). On the wire Salesforce writes timestamps as
`2026-11-27T04:13:37.000+0000` and dates as `2026-11-27`, numbers as JSON numbers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NUMERIC_TYPES = frozenset({"currency", "double", "percent", "int"})


def utc_now() -> datetime:
    """The current time in UTC, truncated to milliseconds as Salesforce stores it."""
    return truncate_ms(datetime.now(UTC))


def truncate_ms(moment: datetime) -> datetime:
    """`moment` with microseconds cut to whole milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def format_datetime(moment: datetime) -> str:
    """Salesforce's timestamp format: `2026-11-27T04:13:37.000+0000`, always UTC."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text (`Z`, `+0000`, `+09:00`, or no zone = UTC)."""
    match = _DATETIME.match(text.strip())
    if not match:
        raise ValueError(f"not a dateTime: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    moment = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=UTC
    )
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment -= sign * offset
    return truncate_ms(moment)


def parse_date(text: str) -> date:
    """A date from `YYYY-MM-DD`."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"not a date: {text!r}")
    return date(int(match[1]), int(match[2]), int(match[3]))


def to_wire(field_type: str, value: Any) -> Any:
    """The JSON value Salesforce sends for a stored value of this field type."""
    if value is None:
        return None
    if field_type == "datetime":
        return format_datetime(value)
    if field_type == "date":
        return value.isoformat()
    if field_type in NUMERIC_TYPES and field_type != "int":
        return float(value)
    return value


def from_wire(field_type: str, value: Any) -> Any:
    """The stored value for a JSON value written to a field; ValueError when it cannot be."""
    if value is None:
        return None
    if field_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"Cannot deserialize instance of boolean from {value!r}")
        return value
    if field_type in NUMERIC_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"Cannot deserialize instance of double from {value!r}")
        try:
            return int(value) if field_type == "int" else float(value)
        except ValueError:
            raise ValueError(f"Cannot deserialize instance of double from {value!r}") from None
    if field_type == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise ValueError(f"Cannot deserialize instance of date from {value!r}")
        try:
            return parse_date(value[:10]) if len(value) > 10 else parse_date(value)
        except ValueError:
            raise ValueError(f"Cannot deserialize instance of date from {value!r}") from None
    if field_type == "datetime":
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            return truncate_ms(aware.astimezone(UTC))
        if not isinstance(value, str):
            raise ValueError(f"Cannot deserialize instance of datetime from {value!r}")
        try:
            return parse_datetime(value)
        except ValueError:
            raise ValueError(f"Cannot deserialize instance of datetime from {value!r}") from None
    if not isinstance(value, str):
        if isinstance(value, bool | int | float):
            return str(value).lower() if isinstance(value, bool) else str(value)
        raise ValueError(f"Cannot deserialize instance of string from {value!r}")
    return value
