"""Logging: structlog, JSON lines off a TTY (the daemon), a readable console on one.

Secrets never reach the output: `redact` runs last before rendering and masks
- values under secret-looking keys (token, secret, password, session_id, authorization, ...),
- every secret value registered from the settings, wherever it appears inside a string; except
  that a value which is a plain short word (letters only, at most 8, such as the sandbox's token
  `sandbox`) cannot be told apart from the words of a message, so it is masked only where it
  stands as a credential (the two rules below), never in ordinary text,
- bearer tokens, `Authorization:` headers and URL passwords (`user:pw@host`) inside free text
  (exception messages, URLs).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

from sync.terminal import printable

MASK = "***"
SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|session_?id|authorization|api_?key|service_?key|private_key|sid)$",
    re.IGNORECASE,
)
_INLINE = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=!-]+"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",\s}]+(?:\s+[^'\",\s}]+)?"),
    re.compile(r"(?i)((?:access_token|session_id|sid|password|client_secret)=)[^&\s'\"]+"),
    re.compile(r"(\w+://[^:/@\s'\"]+:)[^@/\s'\"]+(?=@)"),  # the password in user:pw@host
]

_lock = threading.Lock()
_registered: set[str] = set()


PLAIN_WORD_MAX = 8  # a secret of letters only, this short, reads as a word of the message


def _plain_word(value: str) -> bool:
    return value.isalpha() and len(value) <= PLAIN_WORD_MAX


def register_secrets(values: Iterable[str]) -> None:
    """Remember secret values so that they are masked wherever they appear (a plain short word
    only where it stands as a credential)."""
    with _lock:
        _registered.update(v for v in values if v and len(v) >= 4 and not _plain_word(v))


def scrub(text: str) -> str:
    """`text` with every registered secret, bearer token and credential parameter masked (for
    the one-line errors printed to stderr, which are not log events)."""
    for secret in sorted(_registered, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _INLINE:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: MASK if _is_secret_key(k) else _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    if isinstance(value, BaseException):
        return scrub(repr(value))
    return value


def _terminal_safe(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_terminal_safe(v) for v in value)
    return value


def neutralise(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor for the console: control characters in values are shown escaped
    (JSON lines escape them by themselves)."""
    for key in list(event_dict):
        if key != "exception":  # a formatted traceback keeps its lines
            event_dict[key] = _terminal_safe(event_dict[key])
    return event_dict


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: mask secrets in keys, values and free text."""
    for key in list(event_dict):
        event_dict[key] = MASK if _is_secret_key(key) else _clean(event_dict[key])
    return event_dict


class _StandardError:
    """sys.stderr looked up at each write, so a replaced stream (tests, embedding) is honoured."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def configure(
    level: str = "info", json_output: bool | None = None, stream: TextIO | None = None
) -> None:
    """Configure structlog once for the process. JSON unless the stream is a TTY."""
    out: Any = stream if stream is not None else _StandardError()
    if json_output is None:
        json_output = not out.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_output
        else structlog.dev.ConsoleRenderer(colors=out.isatty())
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # Tracebacks become plain text before `redact`, on a console too: a renderer's own
    # traceback (rich, with the frames' local variables) would bypass the masking.
    processors += [structlog.processors.format_exc_info, redact]
    if not json_output:
        processors.append(neutralise)
    processors.append(renderer)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
