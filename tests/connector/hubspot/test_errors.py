"""Status classification: every HubSpot answer lands on the right branch of the error tree."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import urllib3
import urllib3.connection
import urllib3.exceptions

from connector.errors import (
    AuthError,
    ConnectionFailed,
    PermissionDenied,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    ServerError,
    TransientError,
)
from connector.hubspot.errors import (
    MAYBE_SENT,
    NOT_SENT,
    classify,
    retry_after_seconds,
    translate,
    translate_errors,
)

SCOPES_BODY = json.dumps(
    {
        "status": "error",
        "message": "This app hasn't been granted all required scopes to make this call.",
        "category": "MISSING_SCOPES",
        "errors": [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.deals.read"]},
            }
        ],
    }
)
DAILY_BODY = json.dumps(
    {"status": "error", "message": "You have reached your daily limit.", "policyName": "DAILY"}
)
SECONDLY_BODY = json.dumps({"status": "error", "message": "secondly", "policyName": "SECONDLY"})


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected", "retry_after"),
    [
        pytest.param(401, {}, None, AuthError, None, id="bad-token"),
        pytest.param(403, {}, SCOPES_BODY, PermissionDenied, None, id="missing-scope"),
        pytest.param(403, {}, '{"message": "no"}', PermissionDenied, None, id="forbidden"),
        pytest.param(429, {"Retry-After": "7"}, SECONDLY_BODY, RateLimited, 7.0, id="rate-limited"),
        pytest.param(429, {}, SECONDLY_BODY, RateLimited, None, id="rate-limited-no-header"),
        pytest.param(429, {"Retry-After": "3"}, DAILY_BODY, QuotaExhausted, None, id="daily-quota"),
        pytest.param(500, {}, None, ServerError, None, id="server-error"),
        pytest.param(502, {}, "<html>bad gateway</html>", ServerError, None, id="bad-gateway"),
        pytest.param(503, {}, None, ServerError, None, id="unavailable"),
        pytest.param(400, {}, '{"message": "bad filter"}', RequestRejected, None, id="bad-request"),
        pytest.param(404, {}, None, RequestRejected, None, id="not-found"),
        pytest.param(409, {}, None, RequestRejected, None, id="conflict"),
        pytest.param(0, {}, None, ConnectionFailed, None, id="no-answer"),
    ],
)
def test_classify(
    status: int,
    headers: dict[str, str],
    body: str | None,
    expected: type[Exception],
    retry_after: float | None,
) -> None:
    error = classify(status, headers, body)
    assert type(error) is expected
    assert error.retry_after == retry_after


def test_missing_scope_is_named_in_the_message() -> None:
    error = classify(403, {}, SCOPES_BODY)
    assert "crm.objects.deals.read" in error.message


def test_bad_token_message_says_what_to_fix() -> None:
    assert "hubspot.auth" in classify(401).message


def test_hubspot_message_is_kept() -> None:
    assert "bad filter" in classify(400, {}, '{"message": "bad filter"}').message


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Fri, 27 Nov 2026 04:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None


class FakeApiException(Exception):
    """Shaped like one module's hubspot-api-client ApiException."""

    def __init__(self, status: int, body: str, headers: dict[str, str]) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers


FakeApiException.__module__ = "hubspot.crm.deals.exceptions"


def test_client_exceptions_translate_by_status() -> None:
    with pytest.raises(RateLimited) as caught, translate_errors("deal search"):
        raise FakeApiException(429, SECONDLY_BODY, {"Retry-After": "2"})
    assert caught.value.retry_after == 2.0
    assert "deal search" in caught.value.message


_CONNECTION = urllib3.connection.HTTPConnection("127.0.0.1")
_POOL = urllib3.HTTPConnectionPool("127.0.0.1")


@pytest.mark.parametrize(
    ("raised", "code"),
    [
        pytest.param(
            urllib3.exceptions.NewConnectionError(_CONNECTION, "refused"), NOT_SENT, id="refused"
        ),
        pytest.param(
            urllib3.exceptions.ReadTimeoutError(_POOL, "/", "slow"), MAYBE_SENT, id="read-timeout"
        ),
        pytest.param(urllib3.exceptions.ProtocolError("dropped"), MAYBE_SENT, id="dropped"),
    ],
)
def test_network_errors_are_transient(raised: Exception, code: str) -> None:
    error = translate(raised)
    assert isinstance(error, ConnectionFailed)
    assert isinstance(error, TransientError)
    assert error.code == code


def test_unrelated_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), translate_errors():
        raise KeyError("a bug of ours")
