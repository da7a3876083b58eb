"""The shared retry policy and quota guard (connector.retry)."""

from __future__ import annotations

import pytest

from connector.errors import (
    AuthError,
    ConnectionFailed,
    CRMError,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    ServerError,
)
from connector.retry import QuotaGuard, RetryPolicy, backoff_seconds, call_with_retry


class Flaky:
    """Raises the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: CRMError) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_backoff_doubles_up_to_the_cap_plus_jitter() -> None:
    policy = RetryPolicy(initial_seconds=1, max_backoff_seconds=5, jitter_seconds=1)
    waits = [backoff_seconds(policy, n, ServerError("x"), jitter=0.5) for n in range(1, 6)]
    assert waits == [1.5, 2.5, 4.5, 5.5, 5.5]


def test_backoff_honours_retry_after() -> None:
    policy = RetryPolicy()
    assert backoff_seconds(policy, 1, RateLimited("slow", retry_after=42), jitter=0.9) == 42


def test_transient_errors_are_retried_until_success() -> None:
    slept: list[float] = []
    fn = Flaky(ServerError("503"), ConnectionFailed("reset"))
    assert call_with_retry(fn, RetryPolicy(), sleep=slept.append, rng=lambda: 0.0) == "ok"
    assert fn.calls == 3
    assert slept == [1.0, 2.0]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(AuthError("expired"), id="auth"),
        pytest.param(QuotaExhausted("quota"), id="quota"),
        pytest.param(RequestRejected("malformed"), id="rejected"),
    ],
)
def test_terminal_errors_are_never_retried(error: CRMError) -> None:
    slept: list[float] = []
    fn = Flaky(error)
    with pytest.raises(type(error)):
        call_with_retry(fn, RetryPolicy(), sleep=slept.append)
    assert fn.calls == 1
    assert slept == []


def test_attempts_are_bounded() -> None:
    fn = Flaky(*[ServerError("503")] * 10)
    with pytest.raises(ServerError):
        call_with_retry(fn, RetryPolicy(attempts=4), sleep=lambda _: None, rng=lambda: 0.0)
    assert fn.calls == 4


def test_total_wait_is_bounded() -> None:
    slept: list[float] = []
    fn = Flaky(*[RateLimited("slow", retry_after=50)] * 10)
    with pytest.raises(RateLimited):
        call_with_retry(fn, RetryPolicy(max_wait_seconds=120), sleep=slept.append)
    assert slept == [50, 50]  # a third wait would pass 120 s
    assert fn.calls == 3


def test_quota_guard_keeps_the_reserve() -> None:
    guard = QuotaGuard(reserve=0.10, crm="Salesforce")
    guard.check()  # unknown usage: go ahead
    guard.observe(used=899, total=1000)
    guard.check()
    guard.observe(used=900, total=1000)
    with pytest.raises(QuotaExhausted, match="900 of 1000"):
        guard.check()


def test_quota_guard_lets_one_request_probe_the_usage_after_refusing() -> None:
    guard = QuotaGuard(reserve=0.10, crm="Salesforce")
    guard.observe(used=950, total=1000)
    with pytest.raises(QuotaExhausted):
        guard.check()
    guard.check()  # the next cycle's first request goes out to read the current usage
    guard.observe(used=960, total=1000)  # still down to the reserve
    with pytest.raises(QuotaExhausted):
        guard.check()
    guard.check()
    guard.observe(used=120, total=1000)  # the 24-hour window rolled on
    guard.check()
    guard.check()
