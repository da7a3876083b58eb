"""Read-ahead: fetch the next page while the current one is mapped and judged.

`read_ahead(pages)` iterates `pages` (a connector's page loop: each item one page of records, or
a batch of deals built from it) in one background thread, at most `depth` items ahead of the
consumer, and yields the items in their order. The consumer maps and evaluates page N while the
CRM answers the request for page N+1, so a read costs about the longer of the two, not their sum.

The promises it keeps:
- order: items come out in the order `pages` produces them;
- memory: at most `depth` items wait in the queue and one more is in the reader's hands, so
  memory stays flat whatever the number of pages;
- errors: an exception raised by `pages` (a CRM error, `Interrupted`) is raised again in the
  consumer, at the point where the failed item would have come, after the items before it;
- shutdown: when the consumer stops early (`break`, an exception of its own, Ctrl-C,
  `close()`), the reader thread is told to stop, `pages` is closed in that thread (its
  `finally` blocks run) and the thread is joined before control returns: no thread is left
  behind. A page request already in flight is finished first (requests carry timeouts).

`pages` runs in the reader thread: whatever it calls must be safe to call while the consumer
thread makes requests of its own (the engine writes tasks while a stream is being read); both
connectors' clients serialize their requests for that reason.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEPTH = 2  # pages fetched ahead of the consumer


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


class _End:
    pass


_END = _End()


@dataclass(frozen=True, slots=True)
class _Item(Generic[T]):
    value: T


def read_ahead(pages: Iterator[T], depth: int = DEPTH, name: str = "read-ahead") -> Iterator[T]:
    """The items of `pages`, in order, fetched by a background thread at most `depth` ahead."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    waiting: queue.Queue[_Item[T] | _Failed | _End] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                try:
                    item = next(pages)
                except StopIteration:
                    waiting.put(_END)
                    return
                waiting.put(_Item(item))
        except BaseException as error:  # handed to the consumer, which raises it again
            waiting.put(_Failed(error))
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    try:
        while True:
            got = waiting.get()
            if isinstance(got, _Item):
                yield got.value
            elif isinstance(got, _Failed):
                raise got.error
            else:
                return
    finally:
        stop.set()
        # Free the queue's slots: a reader blocked on a full queue puts once more, sees `stop`
        # and ends. At most one item can arrive after this, and there is room for it.
        while True:
            try:
                waiting.get_nowait()
            except queue.Empty:
                break
        reader.join()
