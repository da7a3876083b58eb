"""The client-side limiter spaces requests without sleeping in real time."""

from __future__ import annotations

from connector.hubspot.ratelimit import RateLimiter


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_window_budget_holds_the_request_after_the_limit() -> None:
    time = VirtualTime()
    limiter = RateLimiter(3, 10.0, 100.0, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        limiter.acquire()
    assert time.slept == []
    limiter.acquire()
    assert time.now == 10.0


def test_searches_are_spaced() -> None:
    time = VirtualTime()
    limiter = RateLimiter(100, 10.0, 4.0, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        limiter.acquire(search=True)
    assert time.now == 1.0  # four gaps of 0.25 s


def test_plain_requests_do_not_wait_for_search_spacing() -> None:
    time = VirtualTime()
    limiter = RateLimiter(100, 10.0, 4.0, clock=time.clock, sleep=time.sleep)
    limiter.acquire(search=True)
    limiter.acquire()
    assert time.now == 0.0


def test_no_sleep_clock_still_advances_the_schedule() -> None:
    # A sleep that returns at once (tests) must not let the limiter burst.
    asked: list[float] = []
    limiter = RateLimiter(2, 10.0, 100.0, clock=lambda: 0.0, sleep=asked.append)
    for _ in range(6):
        limiter.acquire()
    assert asked == [10.0, 10.0, 20.0, 20.0]  # two per 10 s on the planned timeline


def test_headers_lower_the_window_and_pause_when_exhausted() -> None:
    time = VirtualTime()
    limiter = RateLimiter(190, 10.0, 100.0, clock=time.clock, sleep=time.sleep)
    limiter.observe({"X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "50"})
    assert limiter.limit == 100
    limiter.observe({"X-HubSpot-RateLimit-Remaining": "0"})
    limiter.acquire()
    assert time.now == 10.0


def test_daily_remaining_is_recorded() -> None:
    limiter = RateLimiter()
    limiter.observe({"X-HubSpot-RateLimit-Daily-Remaining": "1234"})
    assert limiter.daily_remaining == 1234
