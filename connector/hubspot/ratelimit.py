"""Client-side rate limiting fitted to the HubSpot tier.

Two budgets: every request counts toward `requests_per_10s` (a rolling window: 100 per 10 s on
Free/Starter private apps, 190 on Professional/Enterprise), and search requests are spaced to
`searches_per_second` (HubSpot allows about 5 a second per account; 4 leaves headroom).

The limiter schedules requests on a timeline of planned send times rather than measured ones:
it sleeps until a slot is free, then books the slot. With an injected `sleep` that returns at
once, the timeline still advances, so tests exercise the limits without waiting in real time.

HubSpot's `X-HubSpot-RateLimit-*` answer headers tighten it: a lower window maximum than
configured is adopted, and a window or second with no requests remaining pauses the next
request until that window has passed.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from connector.hubspot import vocab

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    for key, value in headers.items():
        if key.lower() == name:
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


class RateLimiter:
    """Books a send time for each request under the window and search budgets."""

    def __init__(
        self,
        requests_per_window: int = 100,
        window_seconds: float = 10.0,
        searches_per_second: float = 4.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if requests_per_window < 1 or window_seconds <= 0 or searches_per_second <= 0:
            raise ValueError("rate limits must be positive")
        self.configured_limit = requests_per_window
        self.limit = requests_per_window
        self.window = window_seconds
        self.search_interval = 1.0 / searches_per_second
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=requests_per_window)
        self._last_search: float | None = None
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.daily_remaining: int | None = None
        self.waited = 0.0  # seconds spent waiting for a slot, for logs and benchmarks

    def _slot(self, now: float, search: bool) -> float:
        slot = max(now, self._paused_until)
        if len(self._sent) >= self.limit:
            slot = max(slot, self._sent[-self.limit] + self.window)
        if search and self._last_search is not None:
            slot = max(slot, self._last_search + self.search_interval)
        return slot

    def acquire(self, search: bool = False) -> None:
        """Wait until one more request (a search when `search`) fits the budgets, then book it."""
        with self._lock:
            now = self._clock()
            slot = self._slot(now, search)
            if slot > now:
                self.waited += slot - now
                self._sleep(slot - now)
            self._sent.append(slot)
            if search:
                self._last_search = slot

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adjust to the rate-limit headers of a HubSpot answer."""
        with self._lock:
            now = max(self._clock(), self._sent[-1] if self._sent else 0.0)
            window_max = _int_header(headers, vocab.HEADER_WINDOW_MAX)
            if window_max is not None and 0 < window_max < self.configured_limit:
                self.limit = window_max
            interval_ms = _int_header(headers, vocab.HEADER_WINDOW_MS)
            window = interval_ms / 1000.0 if interval_ms else self.window
            if _int_header(headers, vocab.HEADER_WINDOW_REMAINING) == 0:
                self._paused_until = max(self._paused_until, now + window)
            if _int_header(headers, vocab.HEADER_SECONDLY_REMAINING) == 0:
                self._paused_until = max(self._paused_until, now + 1.0)
            daily = _int_header(headers, vocab.HEADER_DAILY_REMAINING)
            if daily is not None:
                self.daily_remaining = daily
