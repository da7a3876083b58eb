"""The garbage collector while deals stream: fewer young-generation collections.

A page of deals is thousands of small containers (the page's JSON, the raw records, snapshots,
evaluations) that live for the length of the page and are then freed by reference counting.
With the default threshold (a collection every 700 container allocations) they survive dozens of
young collections, get promoted and are traversed again by the older generations: about an
eighth of an audit's CPU went to collections that found no garbage. While any stream runs, the
young generation is collected every `YOUNG` allocations instead; cyclic garbage is still
collected, only in fewer, larger passes, and the old thresholds come back when the last stream
ends. Thresholds are process-wide, so concurrent streams (tenants in threads) share one count.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 50_000

_lock = threading.Lock()
_streams = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def streaming() -> Iterator[None]:
    """Raise the young generation's threshold to `YOUNG` while the block runs (never lower it);
    the thresholds in force before the first of any overlapping blocks return after the last."""
    global _streams, _saved
    with _lock:
        if _streams == 0:
            young, middle, old = gc.get_threshold()
            _saved = (young, middle, old)
            if young != 0:  # 0: automatic collection is off, leave it off
                gc.set_threshold(max(young, YOUNG), middle, old)
        _streams += 1
    try:
        yield
    finally:
        with _lock:
            _streams -= 1
            if _streams == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
