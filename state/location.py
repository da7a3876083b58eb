"""Where a state lives: an SQLite file or a PostgreSQL URL, and how to name it without secrets."""

from __future__ import annotations

import re
from pathlib import Path

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"^(\w+://[^:/@?#]*:)[^@/?#]*(@)")


def is_postgres_url(location: str | Path) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    return isinstance(location, str) and location.startswith(POSTGRES_PREFIXES)


def sqlite_path(location: str | Path) -> Path:
    """The file of an SQLite location: a path, or a `sqlite:///PATH` URL."""
    if isinstance(location, Path):
        return location
    if location.startswith(SQLITE_PREFIX) and location != SQLITE_PREFIX:
        return Path(location[len(SQLITE_PREFIX) :])
    raise ValueError(
        f"unsupported state store {mask_url(location)!r} "
        "(expected sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE)"
    )


def url_password(location: str | Path) -> str | None:
    """The password inside a URL, if it has one (to mask it wherever it appears)."""
    found = _PASSWORD.match(str(location))
    if not found:
        return None
    return str(location)[found.end(1) : found.start(2)] or None


def mask_url(location: str | Path) -> str:
    """`location` with the password of a URL replaced by `***`."""
    return _PASSWORD.sub(r"\1***\2", str(location))
