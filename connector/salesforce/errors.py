"""Salesforce errors into dealgate's error tree, at the boundary.

simple-salesforce raises one class per status family (`SalesforceMalformedRequest` 400,
`SalesforceExpiredSession` 401, `SalesforceRefusedRequest` 403, `SalesforceResourceNotFound` 404,
`SalesforceGeneralError` for the rest) carrying `.status` and `.content`, the decoded error list
`[{"errorCode", "message"}]`; requests raises its own connection errors. `classify` sorts a status
and an errorCode into `connector.errors`; `map_errors` applies it to whatever the libraries raise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

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
    unreachable,
)

# 400-class codes that mean "try again shortly", not "your request is wrong".
_TRANSIENT_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})

# 403 REQUEST_LIMIT_EXCEEDED covers several limits, told apart by the message only: the daily
# quota ("TotalRequests Limit exceeded.") is terminal for the day, while the concurrency caps
# ("ConcurrentRequests (Concurrent API Requests) Limit exceeded.", "ConcurrentPerOrgLongTxn
# Limit exceeded.") clear as soon as other requests finish.
_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"
_CONCURRENCY_LIMIT = "concurrent"


def classify(
    status: int | None, code: str | None, message: str, retry_after: float | None = None
) -> CRMError:
    """The dealgate error for an HTTP status and Salesforce errorCode (pure; no I/O)."""
    kwargs: dict[str, Any] = {"status": status, "code": code, "retry_after": retry_after}
    if status is None:
        return ConnectionFailed(message, **kwargs)
    if code in _TRANSIENT_CODES or status >= 500:
        return ServerError(message, **kwargs)
    if status == 429:
        return RateLimited(message, **kwargs)
    if status == 401:
        return AuthError(message, **kwargs)
    if status == 403 and code == _LIMIT_EXCEEDED:
        if _CONCURRENCY_LIMIT in message.lower():
            return RateLimited(message, **kwargs)
        return QuotaExhausted(message, **kwargs)
    if status == 403:
        return PermissionDenied(message, **kwargs)
    return RequestRejected(message, **kwargs)


def error_detail(content: Any) -> tuple[str | None, str]:
    """(errorCode, message) from a Salesforce error body: a list of error objects, one error
    object, or plain text."""
    if isinstance(content, bytes | str):
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        try:
            content = json.loads(text)
        except ValueError:
            return None, text.strip()[:500]
    if isinstance(content, list) and content:
        content = content[0]
    if isinstance(content, dict):
        code = content.get("errorCode") or content.get("error")
        message = content.get("message") or content.get("error_description") or ""
        return (str(code) if code else None), str(message)
    return None, str(content)[:500]


def _from_salesforce(exc: SalesforceError, retry_after: float | None) -> CRMError:
    if isinstance(exc, SalesforceAuthenticationFailed):
        return AuthError(
            f"Salesforce login failed: {exc.auth_message or exc.code}",
            status=exc.status,
            code=str(exc.code) if exc.code is not None else None,
        )
    code, message = error_detail(exc.content)
    return classify(
        exc.status, code, message or f"Salesforce answered HTTP {exc.status}", retry_after
    )


def _from_requests(exc: requests.RequestException) -> CRMError:
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return ServerError(f"Salesforce sent a response that is not JSON: {exc}")
    if isinstance(exc, requests.exceptions.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return ConfigurationError(
            "the Salesforce TLS certificate is not trusted; set salesforce.ca_bundle to the CA "
            f"file of your proxy or sandbox ({exc})"
        )
    if isinstance(exc, requests.Timeout):
        return ConnectionFailed(f"Salesforce did not answer in time: {exc}")
    never = unreachable(exc, "Salesforce")
    if never is not None:
        return never
    return ConnectionFailed(f"cannot reach Salesforce: {exc}")


@contextmanager
def map_errors(retry_after: Callable[[], float | None] = lambda: None) -> Iterator[None]:
    """Translate simple-salesforce and requests exceptions raised inside the block.

    `retry_after` returns the Retry-After of the latest response, which simple-salesforce's
    exceptions do not carry.
    """
    try:
        yield
    except CRMError:
        raise
    except SalesforceError as exc:
        raise _from_salesforce(exc, retry_after()) from exc
    except requests.RequestException as exc:
        raise _from_requests(exc) from exc
