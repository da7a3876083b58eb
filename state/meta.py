"""The single values of a tenant's state, the same on every backend.

The cursor, the time of the last full rescan, the catch-up time and the method fingerprint are
kept as text in the `meta` table; each backend supplies only `_get` and `_set` (one row by key).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from connector.base import Cursor


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


class MetaValues:
    """`cursor`, `last_full_rescan`, `catch_up_at`, `method_fingerprint` and their `save_`
    methods of the `StateStore` Protocol, over the backend's `_get` and `_set`."""

    def _get(self, key: str) -> str | None:
        raise NotImplementedError  # the store's own

    def _set(self, key: str, value: str) -> None:
        raise NotImplementedError  # the store's own

    def cursor(self) -> Cursor | None:
        """The connector's high-water mark of the last finished cycle."""
        text = self._get("cursor")
        if text is None:
            return None
        value = json.loads(text)
        return {str(k): str(v) for k, v in value.items()}

    def save_cursor(self, cursor: Cursor) -> None:
        self._set("cursor", json.dumps(dict(cursor), sort_keys=True))

    def last_full_rescan(self) -> datetime | None:
        return _parse(self._get("last_full_rescan"))

    def save_full_rescan(self, at: datetime) -> None:
        self._set("last_full_rescan", _iso(at))

    def catch_up_at(self) -> datetime | None:
        return _parse(self._get("catch_up_at"))

    def save_catch_up_at(self, at: datetime | None) -> None:
        self._set("catch_up_at", "" if at is None else _iso(at))

    def method_fingerprint(self) -> str | None:
        return self._get("method_fingerprint")

    def save_method_fingerprint(self, fingerprint: str) -> None:
        self._set("method_fingerprint", fingerprint)
