"""Property values: what HubSpot accepts on write and the string it stores.

HubSpot keeps every property value as a string. Numbers stay as written; booleans become
`true`/`false`; datetimes are accepted as epoch milliseconds or ISO 8601 and read back as ISO with
milliseconds and `Z`; date properties are `YYYY-MM-DD` and, given as a timestamp, must be midnight
UTC. An enumeration value must be one of the property's options. Problems are collected per input
in HubSpot's own shape (`{isValid, message, error, name}`) and reported together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sandbox.hubspot.schema import PropertyDef
from sandbox.hubspot.wire import date_text, is_midnight_utc, iso_ms, parse_datetime_ms, to_ms

Value = str | int | float | bool | date | datetime | None
Problem = dict[str, Any]


class InvalidValue(ValueError):
    """A value the property's type refuses; `code` is HubSpot's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _ms(value: Value) -> int | None:
    if isinstance(value, datetime):
        return to_ms(value)
    if isinstance(value, date):
        return to_ms(datetime(value.year, value.month, value.day))
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    return parse_datetime_ms(str(value))


# A text value written through the CRM holds at most 65,536 characters (HubSpot's knowledge base,
# "Property field types in HubSpot"); counted in UTF-16 code units like Java strings.
MAX_TEXT = 65_536


def normalize(defn: PropertyDef, value: Value, options: tuple[str, ...] | None = None) -> str:
    """The stored string for `value`, or InvalidValue. `options` overrides the definition's."""
    if value is None or value == "":
        return ""
    kind = defn.type
    if kind == "bool":
        text = str(value).lower()
        if text not in {"true", "false"}:
            raise InvalidValue("INVALID_BOOLEAN", f"{value!s} is not a valid boolean")
        return text
    if kind == "number":
        text = str(value).strip()
        try:
            float(text)
        except ValueError:
            raise InvalidValue("INVALID_FLOAT", f"{text} was not a valid number") from None
        return text
    if kind == "datetime":
        ms = _ms(value)
        if ms is None:
            raise InvalidValue("INVALID_DATETIME", f"{value!s} is not a valid datetime")
        return iso_ms(ms)
    if kind == "date":
        ms = _ms(value)
        if ms is None:
            raise InvalidValue("INVALID_DATE", f"{value!s} is not a valid date")
        if not is_midnight_utc(ms):
            clock = iso_ms(ms)[11:23]
            raise InvalidValue("INVALID_DATE", f"{value!s} is at {clock} UTC, not midnight!")
        return date_text(ms)
    text = str(value)
    if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise InvalidValue("MAX_CHARACTERS", f"{defn.name} is longer than {MAX_TEXT} characters")
    if kind == "enumeration":
        allowed = options if options is not None else tuple(v for v, _ in defn.options)
        for part in text.split(";"):
            if part not in allowed:
                raise InvalidValue(
                    "INVALID_OPTION",
                    f"{part} was not one of the allowed options: {', '.join(allowed)}",
                )
    return text


def problem(name: str, code: str, message: str) -> Problem:
    """One entry of HubSpot's `Property values were not valid` list."""
    return {"isValid": False, "message": message, "error": code, "name": name}


def problems_message(problems: list[Problem]) -> str:
    """The `message` HubSpot puts around a list of invalid property values."""
    return f"Property values were not valid: {json.dumps(problems, ensure_ascii=False)}"


def normalize_all(
    definitions: Mapping[str, PropertyDef],
    values: Mapping[str, Any],
    options: Mapping[str, tuple[str, ...]],
    read_only: frozenset[str],
) -> tuple[dict[str, str], list[Problem]]:
    """Normalize a write's properties; unknown, read-only and invalid values become problems."""
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for name, raw in values.items():
        defn = definitions.get(name)
        if defn is None:
            problems.append(
                problem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
            )
            continue
        if name in read_only:
            message = f'"{name}" is a read only property; its value cannot be set.'
            problems.append(problem(name, "READ_ONLY_VALUE", message))
            continue
        if raw is not None and not isinstance(raw, str | int | float | bool):
            problems.append(problem(name, "INVALID_TYPE", f"{name} must be a string"))
            continue
        try:
            out[name] = normalize(defn, raw, options.get(name))
        except InvalidValue as exc:
            problems.append(problem(name, exc.code, exc.message))
    return out, problems
