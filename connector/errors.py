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
     │         └── Unreachable   no connection was ever made (refused, unknown host); an
     │                            interactive command gives up on it within seconds
     ├── Interrupted            a shutdown was asked for while waiting to retry or for a slot
     ├── UnexpectedAnswer       the CRM answered 2xx, but without the records it must carry or
     │                          not in the documented shape: the cycle fails (nothing is acted
     │                          on, not retried within it), the daemon tries again at the next one
     └── TerminalError           do not retry: a person must act
          ├── AuthError          401 / invalid or expired credentials that cannot be renewed
          ├── PermissionDenied   403 without quota meaning: missing scope or object permission
          ├── QuotaExhausted     daily API quota used up (or the configured reserve reached)
          ├── RequestRejected    400 / 404 / 409 / 422: malformed query, validation, unknown field
          └── ConfigurationError the connector cannot be built from the given settings
"""

from __future__ import annotations

import urllib3.exceptions as u3  # both client libraries sit on urllib3


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


class Unreachable(ConnectionFailed):
    """No connection could be made: refused, or the host name does not resolve. The request
    never left. The daemon retries it like any transient failure (the CRM or the network may be
    back soon); an interactive command gives up after `RetryPolicy.unreachable_attempts`."""


def unreachable(exc: BaseException, crm: str) -> Unreachable | None:
    """An Unreachable naming the address when `exc` (a urllib3 or requests error, possibly
    wrapped) says that no connection was made; None otherwise."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, u3.NameResolutionError):
            conn = current.conn
            return Unreachable(f"cannot reach {crm}: unknown host {conn.host!r} (port {conn.port})")
        if isinstance(current, u3.NewConnectionError):
            conn = current.conn
            cause = "connection refused" if "refused" in str(current).lower() else "no connection"
            return Unreachable(f"cannot reach {crm} at {conn.host}:{conn.port}: {cause}")
        if isinstance(current, u3.MaxRetryError):
            current = current.reason
        elif current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
        else:
            current = current.__cause__ or current.__context__
    return None


class Interrupted(CRMError):
    """A shutdown was asked for while the connector waited (retry backoff, rate limit)."""


class UnexpectedAnswer(CRMError):
    """A 2xx answer that lacks the records it must carry or is not of the documented shape.

    Two mechanisms raise it: the connectors' explicit checks of what an answer must hold
    (`200 {}`, `null`, an empty page where a total says there are records), and the boundary
    wrapper in `connector.answers`, which turns any reading of data of a shape dealgate does not
    know (a string where a list belongs, a list instead of an object, a record without its id)
    into this error. Never taken as "no records": the message names the request, the cycle fails
    and the next one tries again."""


class TerminalError(CRMError):
    """Not retryable: a person must act (credentials, permissions, quota, bad request)."""


class AuthError(TerminalError):
    pass


class PermissionDenied(TerminalError):
    """`scopes`: the scopes the CRM named as missing (any one would do), when it named any."""

    def __init__(self, message: str, *, scopes: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.scopes = scopes


class QuotaExhausted(TerminalError):
    pass


class RequestRejected(TerminalError):
    pass


class ConfigurationError(TerminalError):
    pass
