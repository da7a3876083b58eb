"""CRM answers of an unexpected shape, translated into `UnexpectedAnswer` at the boundary.

The connectors read the CRMs' JSON with plain dict and list access, as documented. Whatever the
CRM (or a proxy in between) sends instead (`{"results": "oops"}`, a list where an object belongs,
`null`, a record without its id) makes that reading code fail with a Python error. Rather than
checking every access, each public connector method runs under `answer_shape`: such an error
becomes `UnexpectedAnswer`, naming the CRM and the request whose answer was being read, so the
CLI prints one line, the daemon logs it and tries again at the next cycle, and nothing downstream
ever sees a half-read answer. Deal streams are guarded item by item (`GuardedStream`), and only
the connector's own work is guarded: an error raised by the code consuming a stream is left alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar, cast

from connector.base import Cursor, DealStream, RawDeal
from connector.errors import CRMError, UnexpectedAnswer

P = ParamSpec("P")
R = TypeVar("R")

# What reading a JSON value of the wrong type raises in Python.
SHAPE_ERRORS = (AttributeError, KeyError, TypeError, ValueError, IndexError, OverflowError)
_DETAIL_MAX = 160


class Answering(Protocol):
    """A connector that can say which request it sent last."""

    @property
    def crm_name(self) -> str: ...

    def last_request(self) -> str: ...


def describe(exc: BaseException) -> str:
    """A short, single-line account of the Python error (it may quote CRM data)."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


def unexpected(crm: str, request: str, what: str) -> str:
    """The one-line message of an unexpected answer, naming the request."""
    return f"unexpected answer from {crm} to {request}: {what}"


@contextmanager
def answer_shape(crm: str, request: Callable[[], str]) -> Iterator[None]:
    """Re-raise a shape error raised inside the block as `UnexpectedAnswer` naming `request()`."""
    try:
        yield
    except CRMError:
        raise
    except SHAPE_ERRORS as exc:
        raise _unexpected_answer(crm, request, exc) from exc


def _unexpected_answer(crm: str, request: Callable[[], str], exc: Exception) -> UnexpectedAnswer:
    return UnexpectedAnswer(unexpected(crm, request(), describe(exc)))


S = TypeVar("S", bound=Answering)


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A connector method whose shape errors become `UnexpectedAnswer`; a returned deal stream
    is guarded item by item."""

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with answer_shape(self.crm_name, self.last_request):
            result = method(self, *args, **kwargs)
        if isinstance(result, GuardedStream) or not _is_stream(result):
            return result
        return cast(R, GuardedStream(cast(DealStream, result), self))

    functools.update_wrapper(wrapper, method)
    return wrapper


def _is_stream(value: object) -> bool:
    return hasattr(value, "cursor") and hasattr(value, "deleted_ids") and hasattr(value, "__iter__")


class GuardedStream:
    """A `DealStream` whose reading (not its consumer) runs under `answer_shape`."""

    def __init__(self, stream: DealStream, owner: Answering) -> None:
        self._stream = stream
        self._owner = owner

    def __iter__(self) -> Iterator[RawDeal]:
        owner = self._owner
        with answer_shape(owner.crm_name, owner.last_request):
            items = iter(self._stream)
        while True:
            # `answer_shape` written out: a context manager entered per deal costs more than
            # the rest of this loop.
            try:
                deal = next(items)
            except StopIteration:
                return
            except CRMError:
                raise
            except SHAPE_ERRORS as exc:
                raise _unexpected_answer(owner.crm_name, owner.last_request, exc) from exc
            yield deal

    @property
    def cursor(self) -> Cursor:
        return self._stream.cursor

    @property
    def deleted_ids(self) -> Sequence[str]:
        return self._stream.deleted_ids


def json_kind(value: object) -> str:
    """What a decoded JSON value is, in JSON's words (`null`, `an array`, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_NESTED = re.compile(r"\([^()]*\)")
_FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)


def soql_name(soql: str) -> str:
    """`query on Opportunity` for a SOQL text (child subqueries ignored)."""
    flat, previous = soql, None
    while flat != previous:
        previous, flat = flat, _NESTED.sub("", flat)
    match = _FROM.search(flat)
    return f"query on {match.group(1)}" if match else "query"
