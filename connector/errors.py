"""The one error tree of the CRM boundary.

Client libraries raise their own exceptions (simple-salesforce one class per status family,
hubspot-api-client one `ApiException` per generated module, urllib3 and requests their own
connection errors). Each connector translates them here, at the boundary, by HTTP status, so that
the engine and the retry policy ask one question: `isinstance(err, TransientError)`.

    CRMError
     ├── TransientError          retry with backoff: the same request may succeed later
     │    ├── RateLimited        429 (and HubSpot's secondly limit); `retry_after` when given
     │    ├── ServerError        5xx
     │    └── ConnectionFailed   timeouts, refused or dropped connections
     ├── Interrupted            a shutdown was asked for while waiting to retry or for a slot
     ├── UnexpectedAnswer       the CRM answered, but not in the documented shape (not retried
     │                          within the cycle; the daemon tries again at the next one)
     └── TerminalError           do not retry: a person must act
          ├── AuthError          401 / invalid or expired credentials that cannot be renewed
          ├── PermissionDenied   403 without quota meaning: missing scope or object permission
          ├── QuotaExhausted     daily API quota used up (or the configured reserve reached)
          ├── RequestRejected    400 / 404 / 409 / 422: malformed query, validation, unknown field
          └── ConfigurationError the connector cannot be built from the given settings
"""

from __future__ import annotations


class CRMError(Exception):
    """Base of every error raised across the CRM boundary."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    def __str__(self) -> str:
        parts = [self.message]
        if self.code:
            parts.append(f"[{self.code}]")
        if self.status is not None:
            parts.append(f"(HTTP {self.status})")
        return " ".join(parts)


class TransientError(CRMError):
    """Retryable: the same request may succeed later."""


class RateLimited(TransientError):
    pass


class ServerError(TransientError):
    pass


class ConnectionFailed(TransientError):
    pass


class Interrupted(CRMError):
    """A shutdown was asked for while the connector waited (retry backoff, rate limit)."""


class UnexpectedAnswer(CRMError):
    """The CRM answered a request with data of a shape dealgate does not know (a string where a
    list belongs, a list instead of an object, null). The message names the request."""


class TerminalError(CRMError):
    """Not retryable: a person must act (credentials, permissions, quota, bad request)."""


class AuthError(TerminalError):
    pass


class PermissionDenied(TerminalError):
    pass


class QuotaExhausted(TerminalError):
    pass


class RequestRejected(TerminalError):
    pass


class ConfigurationError(TerminalError):
    pass
