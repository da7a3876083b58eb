"""HubSpot's wire vocabulary: object type names, timestamps as strings, and its error JSON.

Everything here is a pure function or a constant, so the store and the routes agree on one
spelling of each HubSpot fact (object type ids, which property holds the modification time, how a
datetime is printed) and on one shape of error body:
`{"status": "error", "message", "correlationId", "category", ...}`.
"""

from __future__ import annotations

import time as time_module
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sandbox.http import Response

OBJECT_TYPES: tuple[str, ...] = ("deals", "contacts", "tasks")

# Every spelling HubSpot accepts in a path for the same object type.
_ALIASES: dict[str, str] = {
    "deals": "deals",
    "deal": "deals",
    "0-3": "deals",
    "contacts": "contacts",
    "contact": "contacts",
    "0-1": "contacts",
    "tasks": "tasks",
    "task": "tasks",
    "0-27": "tasks",
}

OBJECT_TYPE_IDS: dict[str, str] = {"contacts": "0-1", "deals": "0-3", "tasks": "0-27"}
SINGULAR: dict[str, str] = {"deals": "deal", "contacts": "contact", "tasks": "task"}

# Properties the store maintains itself; they cannot be written through the API.
CREATED_PROPERTY: dict[str, str] = {
    "deals": "createdate",
    "contacts": "createdate",
    "tasks": "hs_createdate",
}
MODIFIED_PROPERTY: dict[str, str] = {
    "deals": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
    "tasks": "hs_lastmodifieddate",
}

# What a read returns when the caller names no properties (HubSpot's defaults per object).
DEFAULT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage"),
    "contacts": ("firstname", "lastname", "email"),
    "tasks": (),
}

# The properties that free-text search (`query`) looks at.
SEARCHABLE_TEXT: dict[str, tuple[str, ...]] = {
    "deals": ("dealname",),
    "contacts": ("firstname", "lastname", "email"),
    "tasks": ("hs_task_subject",),
}


def object_type(name: str) -> str | None:
    """The canonical plural name for any spelling HubSpot accepts, or None if unknown."""
    return _ALIASES.get(name.lower())


def alias_pattern(kind: str) -> str:
    """A regex alternation of every path spelling of one object type."""
    return "|".join(sorted((a for a, k in _ALIASES.items() if k == kind), key=len, reverse=True))


def system_properties(kind: str) -> tuple[str, str, str]:
    """(id, created, modified) property names the store maintains for an object type."""
    return "hs_object_id", CREATED_PROPERTY[kind], MODIFIED_PROPERTY[kind]


# timestamps ------------------------------------------------------------------------------------
def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def iso_ms(ms: int) -> str:
    """HubSpot's datetime spelling: ISO 8601, milliseconds, `Z`."""
    seconds, milli = divmod(ms, 1000)
    t = time_module.gmtime(seconds)  # several times faster than datetime.strftime
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{milli:03d}Z"
    )


def parse_datetime_ms(value: str) -> int | None:
    """Epoch ms from epoch-ms digits, an ISO datetime or a bare date; None if unparseable."""
    text = value.strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        if len(text) == 10:
            return to_ms(datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC))
        return to_ms(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def date_text(ms: int) -> str:
    """A date property's spelling, `YYYY-MM-DD`."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date().isoformat()


def is_midnight_utc(ms: int) -> bool:
    """HubSpot accepts a date property only as midnight UTC when given as a timestamp."""
    return ms % 86_400_000 == 0


# errors ----------------------------------------------------------------------------------------
def correlation_id() -> str:
    """A fresh correlation id, as HubSpot puts in every error body."""
    return str(uuid.uuid4())


def error_body(category: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON HubSpot sends with a 4xx/5xx: status, message, correlationId, category."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": correlation_id(),
        "category": category,
    }
    body.update(extra)
    return body


def error(status: int, category: str, message: str, **extra: Any) -> Response:
    """An error response with HubSpot's JSON body."""
    return Response(status, error_body(category, message, **extra))


def standard_error(category: str, message: str, context: dict[str, list[str]]) -> dict[str, Any]:
    """One entry of a batch response's `errors` list (the client's `StandardError` model)."""
    return {
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "links": {},
        "errors": [],
    }


def validation_error(message: str, **extra: Any) -> Response:
    """400 VALIDATION_ERROR."""
    return error(400, "VALIDATION_ERROR", message, **extra)


def not_found(message: str = "resource not found") -> Response:
    """404 OBJECT_NOT_FOUND."""
    return error(404, "OBJECT_NOT_FOUND", message)
