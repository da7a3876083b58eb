"""Retry policy and quota guard shared by the CRM connectors.

Only `TransientError` is retried (rate limits, 5xx, dropped connections), with exponential
backoff and jitter, a bounded number of attempts and a bounded total wait; a `Retry-After` the
server gave wins over the computed backoff. Terminal errors pass through at once.

The budget is counted in waited seconds, not wall time, so an injected `sleep` makes the policy
fully deterministic in tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import tenacity

from connector.errors import CRMError, QuotaExhausted, TransientError, Unreachable

T = TypeVar("T")
Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to retry a transient failure."""

    attempts: int = 6  # tries in all, the first included
    max_wait_seconds: float = 120.0  # total time spent waiting between tries
    initial_seconds: float = 1.0  # first backoff, doubled each retry
    max_backoff_seconds: float = 30.0  # cap of one computed backoff
    jitter_seconds: float = 1.0  # uniform extra in [0, jitter) against thundering herds
    # tries in all while the CRM is Unreachable (refused, unknown host); None: like `attempts`.
    # Interactive commands use 2, so a wrong port fails in about a second, not half a minute.
    unreachable_attempts: int | None = None


def backoff_seconds(
    policy: RetryPolicy, retry_number: int, error: BaseException | None, jitter: float
) -> float:
    """Seconds to wait before retry `retry_number` (1-based) after `error`.

    `jitter` is a number in [0, 1) (the random part, passed in to keep this pure). A server's
    Retry-After is honoured as given; otherwise exponential backoff, capped, plus jitter.
    """
    if isinstance(error, CRMError) and error.retry_after is not None:
        return max(0.0, float(error.retry_after))
    exponential: float = policy.initial_seconds * 2.0 ** (retry_number - 1)
    return min(policy.max_backoff_seconds, exponential) + jitter * policy.jitter_seconds


def call_with_retry(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Sleep,
    rng: Callable[[], float] = random.random,
    on_retry: Callable[[CRMError, float, int], None] | None = None,
) -> T:
    """Call `fn`, retrying `TransientError` under `policy`; re-raise the last error when the
    attempts or the wait budget run out. `on_retry(error, wait, retry_number)` is called before
    each wait (for logs and metrics)."""

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        return backoff_seconds(policy, state.attempt_number, error, rng())

    def stop(state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= policy.attempts:
            return True
        error = state.outcome.exception() if state.outcome is not None else None
        limit = policy.unreachable_attempts
        if limit is not None and isinstance(error, Unreachable) and state.attempt_number >= limit:
            return True
        return state.idle_for + state.upcoming_sleep > policy.max_wait_seconds

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        if on_retry is not None and isinstance(error, CRMError):
            on_retry(error, state.upcoming_sleep, state.attempt_number)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(TransientError),
        wait=wait,
        stop=stop,
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(fn)


class QuotaGuard:
    """Stops a connector before the CRM's daily API quota is used up.

    The connector reports usage as the CRM announces it (`observe`) and asks `check()` before
    each request; once `used` reaches `total * (1 - reserve)`, `check()` raises QuotaExhausted,
    leaving the reserve for the customer's other integrations.
    """

    def __init__(self, reserve: float, crm: str) -> None:
        if not 0 <= reserve < 1:
            raise ValueError("reserve must be in [0, 1)")
        self.reserve = reserve
        self.crm = crm
        self.used: int | None = None
        self.total: int | None = None

    @property
    def allowed(self) -> int | None:
        """Calls this connector may use in the quota period, or None while unknown."""
        if self.total is None:
            return None
        return int(self.total * (1 - self.reserve))

    def observe(self, used: int, total: int) -> None:
        """Record the usage the CRM reported on its latest response."""
        self.used, self.total = used, total

    def check(self) -> None:
        """Raise QuotaExhausted when the next request would eat into the reserve.

        The usage is forgotten once refused, so the next cycle's first request goes out and
        reads the CRM's current usage: one call per cycle while the quota is down to the reserve,
        and work resumes as soon as the CRM reports calls free again."""
        allowed = self.allowed
        if allowed is None or self.used is None or self.used < allowed:
            return
        used, self.used = self.used, None
        raise QuotaExhausted(
            f"{self.crm} daily API quota nearly used up: {used} of {self.total} calls; "
            f"the last {self.reserve:.0%} are left for other integrations; "
            "dealgate checks again at its next cycle"
        )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date); None if unusable.
    Both connectors read it with this one function."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
