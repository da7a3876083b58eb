"""The read-ahead helper both connectors' page loops use: order, bound, errors, shutdown.

No timing: the page source signals through events what the reader thread has done, and every
wait has a generous safety limit that a correct helper never reaches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from connector.errors import TransientError
from connector.readahead import read_ahead

SAFETY = 30.0  # seconds; only reached when the helper is broken


class Pages:
    """A page source that records how far the reader thread has gone."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.fetched = 0
        self.closed = threading.Event()
        self.threads: set[str] = set()
        self._reached: dict[int, threading.Event] = {}
        self._lock = threading.Lock()

    def reached(self, n: int) -> threading.Event:
        """Set once `n` pages have been fetched."""
        with self._lock:
            event = self._reached.setdefault(n, threading.Event())
            if self.fetched >= n:
                event.set()
            return event

    def __call__(self) -> Iterator[list[int]]:
        try:
            for number in range(self.count):
                self.threads.add(threading.current_thread().name)
                if number == self.fail_at:
                    raise TransientError(f"page {number} failed")
                page = [number * 10 + i for i in range(3)]
                with self._lock:
                    self.fetched += 1
                    for n, event in self._reached.items():
                        if self.fetched >= n:
                            event.set()
                yield page
        finally:
            self.closed.set()


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_pages_come_out_in_order_and_are_fetched_in_another_thread() -> None:
    pages = Pages(50)

    got = [record for page in read_ahead(pages()) for record in page]

    assert got == [n * 10 + i for n in range(50) for i in range(3)]
    assert pages.threads == {"read-ahead"}
    assert _reader_threads() == []


def test_the_reader_stays_at_most_depth_pages_ahead() -> None:
    pages = Pages(100)
    stream = read_ahead(pages(), depth=3)

    first = next(stream)
    # With page 0 taken, 3 pages fill the queue and a 4th is in the reader's hands; it then
    # waits for room, so the source is not asked for a 6th page while the consumer holds still.
    assert pages.reached(5).wait(SAFETY)
    assert pages.fetched == 5
    assert first == [0, 1, 2]

    rest = list(stream)
    assert len(rest) == 99
    assert _reader_threads() == []


def test_an_error_of_the_source_is_raised_in_the_consumer_after_the_pages_before_it() -> None:
    pages = Pages(10, fail_at=4)
    got: list[list[int]] = []

    with pytest.raises(TransientError, match="page 4 failed"):
        for page in read_ahead(pages()):
            got.append(page)

    assert [page[0] for page in got] == [0, 10, 20, 30]
    assert _reader_threads() == []


def test_stopping_early_closes_the_source_and_leaves_no_thread() -> None:
    pages = Pages(1000)
    stream = read_ahead(pages())

    for page in stream:
        if page[0] == 20:
            break
    stream.close()

    assert pages.closed.is_set()  # the source's finally ran
    assert pages.fetched < 1000
    assert _reader_threads() == []


def test_an_error_of_the_consumer_stops_the_reader() -> None:
    pages = Pages(1000)

    def consume() -> None:
        for page in read_ahead(pages()):
            if page[0] == 30:
                raise KeyboardInterrupt  # Ctrl-C while the deals are being judged

    with pytest.raises(KeyboardInterrupt):
        consume()

    assert pages.closed.is_set()
    assert _reader_threads() == []


def test_a_stream_never_iterated_starts_no_thread() -> None:
    pages = Pages(5)

    stream = read_ahead(pages())
    del stream

    assert pages.fetched == 0
    assert _reader_threads() == []
