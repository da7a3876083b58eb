"""The collector's thresholds while deals stream: raised inside, the caller's back afterwards."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sync.collector import YOUNG, streaming
from sync.evaluate import EvaluationRun, evaluate_stream


@pytest.fixture(autouse=True)
def _own_thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_the_young_threshold_is_raised_inside_and_restored_after() -> None:
    with streaming():
        assert gc.get_threshold() == (YOUNG, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_error_inside_still_restores_the_thresholds() -> None:
    with pytest.raises(RuntimeError), streaming():
        raise RuntimeError("a connector failed mid-stream")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_of_the_caller_is_kept_and_zero_stays_off() -> None:
    gc.set_threshold(200_000, 10, 10)
    with streaming():
        assert gc.get_threshold()[0] == 200_000
    gc.set_threshold(0, 10, 10)
    with streaming():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold() == (0, 10, 10)


def test_overlapping_streams_in_threads_restore_only_after_the_last() -> None:
    first_inside, first_may_leave = threading.Event(), threading.Event()
    seen_after_first: list[tuple[int, int, int]] = []

    def first() -> None:
        with streaming():
            first_inside.set()
            first_may_leave.wait(timeout=30)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_inside.wait(timeout=30)
    with streaming():
        first_may_leave.set()
        thread.join(timeout=30)
        seen_after_first.append(gc.get_threshold())
    assert seen_after_first == [(YOUNG, 10, 10)]  # the second stream still ran with it raised
    assert gc.get_threshold() == (700, 10, 10)


def test_evaluate_stream_reads_its_deals_with_the_threshold_raised() -> None:
    seen: list[tuple[int, int, int]] = []

    def deals() -> Iterator[Any]:
        seen.append(gc.get_threshold())
        yield from ()

    none: Any = None
    items = list(
        evaluate_stream(deals(), none, none, {}, None, datetime.now(UTC), EvaluationRun())
    )
    assert items == []
    assert seen == [(YOUNG, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
