"""Salesforce error translation: status and errorCode into dealgate's error tree."""

from __future__ import annotations

import pytest
import requests
import responses
from simple_salesforce.api import Salesforce

from connector.errors import (
    AuthError,
    ConfigurationError,
    ConnectionFailed,
    CRMError,
    PermissionDenied,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    ServerError,
    TerminalError,
    TransientError,
)
from connector.salesforce.errors import classify, error_detail, map_errors

INSTANCE = "https://acme.my.salesforce.com"
QUERY_URL = f"{INSTANCE}/services/data/v59.0/query/"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        pytest.param(400, "MALFORMED_QUERY", RequestRejected, id="client-error"),
        pytest.param(404, "NOT_FOUND", RequestRejected, id="not-found"),
        pytest.param(401, "INVALID_SESSION_ID", AuthError, id="session-expired"),
        pytest.param(403, "REQUEST_LIMIT_EXCEEDED", QuotaExhausted, id="quota-exhausted"),
        pytest.param(403, "INSUFFICIENT_ACCESS", PermissionDenied, id="permission-denied"),
        pytest.param(429, None, RateLimited, id="rate-limited"),
        pytest.param(500, "UNKNOWN_EXCEPTION", ServerError, id="server-error"),
        pytest.param(503, "SERVER_UNAVAILABLE", ServerError, id="unavailable"),
        pytest.param(400, "UNABLE_TO_LOCK_ROW", ServerError, id="lock-contention"),
        pytest.param(None, None, ConnectionFailed, id="no-response"),
    ],
)
def test_classify(status: int | None, code: str | None, expected: type[CRMError]) -> None:
    error = classify(status, code, "message", retry_after=2.0)
    assert type(error) is expected
    assert error.status == status
    assert error.code == code
    assert error.retry_after == 2.0


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param("TotalRequests Limit exceeded.", QuotaExhausted, id="daily-quota"),
        pytest.param(
            "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
            RateLimited,
            id="concurrent-requests",
        ),
        pytest.param("ConcurrentPerOrgLongTxn Limit exceeded.", RateLimited, id="long-running"),
    ],
)
def test_request_limit_exceeded_is_told_apart_by_its_message(
    message: str, expected: type[CRMError]
) -> None:
    error = classify(403, "REQUEST_LIMIT_EXCEEDED", message)
    assert type(error) is expected
    assert error.code == "REQUEST_LIMIT_EXCEEDED"


def test_only_transient_kinds_are_retryable() -> None:
    assert isinstance(classify(503, None, ""), TransientError)
    assert isinstance(classify(429, None, ""), TransientError)
    assert isinstance(classify(403, "REQUEST_LIMIT_EXCEEDED", ""), TerminalError)
    assert isinstance(classify(401, "INVALID_SESSION_ID", ""), TerminalError)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            [{"errorCode": "MALFORMED_QUERY", "message": "unexpected token"}],
            ("MALFORMED_QUERY", "unexpected token"),
            id="error-list",
        ),
        pytest.param(
            {"error": "invalid_grant", "error_description": "bad password"},
            ("invalid_grant", "bad password"),
            id="oauth-error",
        ),
        pytest.param(b"<html>Bad gateway</html>", (None, "<html>Bad gateway</html>"), id="html"),
    ],
)
def test_error_detail(content: object, expected: tuple[str | None, str]) -> None:
    assert error_detail(content) == expected


def _salesforce() -> Salesforce:
    return Salesforce(session_id="token", instance_url=INSTANCE, session=requests.Session())


@responses.activate
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        pytest.param(
            400,
            [{"errorCode": "INVALID_FIELD", "message": "No such column"}],
            RequestRejected,
            id="client-error",
        ),
        pytest.param(
            403,
            [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit"}],
            QuotaExhausted,
            id="quota-exhausted",
        ),
        pytest.param(
            403,
            [{"errorCode": "INSUFFICIENT_ACCESS", "message": "no"}],
            PermissionDenied,
            id="permission-denied",
        ),
        pytest.param(
            429, [{"errorCode": "REQUEST_LIMIT", "message": "slow"}], RateLimited, id="rate-limited"
        ),
        pytest.param(
            503,
            [{"errorCode": "SERVER_UNAVAILABLE", "message": "down"}],
            ServerError,
            id="server-error",
        ),
    ],
)
def test_map_errors_translates_library_exceptions(
    status: int, body: object, expected: type[CRMError]
) -> None:
    responses.get(QUERY_URL, json=body, status=status)
    with pytest.raises(expected) as caught, map_errors(lambda: 7.0):
        _salesforce().query("SELECT Id FROM Opportunity")
    assert caught.value.status == status
    assert caught.value.code == body[0]["errorCode"]  # type: ignore[index]
    assert caught.value.message == body[0]["message"]  # type: ignore[index]
    assert caught.value.retry_after == 7.0


@responses.activate
def test_map_errors_translates_connection_errors() -> None:
    responses.get(QUERY_URL, body=requests.ConnectionError("connection refused"))
    with pytest.raises(ConnectionFailed, match="connection refused"), map_errors():
        _salesforce().query("SELECT Id FROM Opportunity")


@responses.activate
def test_map_errors_translates_timeouts() -> None:
    responses.get(QUERY_URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(ConnectionFailed, match="did not answer in time"), map_errors():
        _salesforce().query("SELECT Id FROM Opportunity")


@responses.activate
def test_an_untrusted_certificate_is_a_configuration_problem_not_retried() -> None:
    responses.get(
        QUERY_URL, body=requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] failed")
    )
    with pytest.raises(ConfigurationError, match="ca_bundle"), map_errors():
        _salesforce().query("SELECT Id FROM Opportunity")


@responses.activate
def test_a_garbled_answer_is_a_server_error() -> None:
    responses.get(QUERY_URL, body="<html>maintenance</html>", status=200)
    with pytest.raises(ServerError, match="not JSON"), map_errors():
        _salesforce().query("SELECT Id FROM Opportunity")
