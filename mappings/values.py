"""Raw CRM values to Python values: every parsing rule of dealgate lives here, once.

Salesforce returns JSON types (booleans, numbers) and strings for dates ("2026-11-27") and
datetimes ("2026-11-27T04:13:37.000+0000"). HubSpot returns strings for everything: checkboxes
as "true"/"false", amounts as "1234.5", datetimes as ISO strings with "Z" or as epoch
milliseconds ("1764216817000"), dates as "2026-11-27" or as midnight datetimes.

Each parser is a pure function that returns the parsed value, or None for an empty value, and
raises `Unreadable` for a value it cannot read; the normalizer turns that into a warning.
Datetimes always come back timezone-aware in UTC (a value without an offset is taken as UTC).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache, lru_cache, update_wrapper
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_SEPARATORS = re.compile(r"[\s\-]+")
_EPOCH_MS = re.compile(r"-?[0-9]{9,}(\.[0-9]*)?", re.ASCII)
_TRUE = frozenset({"true", "yes", "y", "1", "on", "checked"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "unchecked"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Unreadable(ValueError):
    """A raw value that does not parse as the attribute's type."""


@lru_cache(maxsize=4096)  # the same few labels come back on every deal
def label_key(label: str) -> str:
    """The form in which labels and enum ids are compared: trimmed, case-folded, with spaces
    and hyphens read as underscores ("In Review", "in-review" and "IN_REVIEW" are one key)."""
    return _SEPARATORS.sub("_", label.strip().casefold())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str | None:
    """Text as the CRM holds it; None stays None, other types become their string form."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def parse_number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric string ("1234.5")."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Unreadable("a checkbox is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise Unreadable("not a number") from None
    if not math.isfinite(number):
        raise Unreadable("not a finite number")
    return number


def parse_bool(value: Any) -> bool | None:
    """A checkbox from a JSON boolean or "true"/"false" (also yes/no, 1/0, on/off)."""
    if value is True or value is False:
        return value
    if _blank(value):
        return None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise Unreadable("not a checkbox value")


def _from_epoch_ms(millis: float) -> datetime:
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except (OverflowError, ValueError):
        raise Unreadable("epoch milliseconds out of range") from None


def _iso_or_epoch(value: Any) -> datetime | date:
    """A datetime (aware, as written) or a bare date, from any of the accepted forms."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise Unreadable("a checkbox is not a date")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise Unreadable("not a finite timestamp")
        return _from_epoch_ms(value)
    if not isinstance(value, str):
        raise Unreadable("not a date")
    return _iso_or_epoch_text(value)


def _iso_or_epoch_text(value: str) -> datetime | date:
    text = value.strip()
    if _EPOCH_MS.fullmatch(text):
        return _from_epoch_ms(float(text))
    try:
        if len(text) <= 10 and "T" not in text:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise Unreadable("not an ISO date or datetime") from None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_datetime(value: Any) -> datetime | None:
    """A UTC datetime from ISO text (with "Z", "+0000", "+00:00" or no offset) or epoch
    milliseconds; a bare date reads as the start of that day UTC."""
    if type(value) is str and value[10:11] == "T":  # "YYYY-MM-DDThh:mm...": most values
        try:
            return _aware(datetime.fromisoformat(value)).astimezone(UTC)
        except (ValueError, OverflowError):
            pass  # the full path below says what is wrong
    if _blank(value):
        return None
    parsed = _iso_or_epoch(value)
    if not isinstance(parsed, datetime):
        return datetime.combine(parsed, time.min, UTC)
    try:
        return _aware(parsed).astimezone(UTC)
    except OverflowError:
        raise Unreadable("datetime out of range") from None


def once_per_text(parse: Callable[[Any], T], kept: int = 2048) -> Callable[[Any], T]:
    """`parse` with each distinct text parsed once (the latest `kept` kept); other values, and
    texts it cannot read, go through `parse` every time.

    For dates, which repeat across deals (close dates, project dates, last activity dates): a
    pipeline has a few hundred distinct ones; and for picklist values, which are fewer still.
    Datetimes (created, modified, HubSpot's last contact) are near unique and are not cached: a
    cache would only hold memory."""
    by_text = lru_cache(maxsize=kept)(parse)

    def parse_value(value: Any) -> T:
        return by_text(value) if type(value) is str else parse(value)

    return update_wrapper(parse_value, parse)


@once_per_text
def parse_date(value: Any) -> date | None:
    """A date from "YYYY-MM-DD", or the calendar date of a datetime as the CRM wrote it
    (HubSpot stores date properties as midnight datetimes; epoch milliseconds are UTC)."""
    if _blank(value):
        return None
    parsed = _iso_or_epoch(value)
    return parsed.date() if isinstance(parsed, datetime) else parsed


@once_per_text
def parse_last_contact(value: Any) -> datetime | None:
    """When a person was last contacted. A datetime is taken as is (HubSpot
    `notes_last_contacted`); a bare date (Salesforce `Contact.LastActivityDate`) means "some
    time that day" and reads as the end of that day UTC, so a contact made on the day counts in
    full and dealgate never asks for a touch that may already have happened."""
    if _blank(value):
        return None
    parsed = _iso_or_epoch(value)
    if isinstance(parsed, datetime):
        try:
            return _aware(parsed).astimezone(UTC)
        except OverflowError:
            raise Unreadable("datetime out of range") from None
    return datetime.combine(parsed, time.max, UTC)


@cache
def _enum_ids(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {member.value: member for member in enum}


def match_enum(value: Any, enum: type[E], translation: Mapping[str, E]) -> E | None:
    """An enum member for a CRM value: case-insensitively against the enum ids first, then
    through the translation table (keys already in `label_key` form). None for an empty value;
    `Unreadable` when neither knows the value."""
    if _blank(value):
        return None
    key = label_key(value if isinstance(value, str) else str(value))
    member = _enum_ids(enum).get(key)
    if member is not None:
        return member  # type: ignore[return-value]  # a member of `enum`, by construction
    if key in translation:
        return translation[key]
    raise Unreadable("not a known value")
