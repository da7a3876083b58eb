"""Translate hubspot-api-client and urllib3 errors into `connector.errors`, by HTTP status.

hubspot-api-client generates one `ApiException` class per API module (deals, contacts,
associations, ...) with no common base but `Exception`, so errors are recognized by shape (a
`hubspot.*` exception with a `status`) and sorted by `classify`, a pure function of status,
headers and body. Connection problems reach us as urllib3 exceptions because the client's own
urllib3 retries are off (`retries=False`); the connector owns the retry policy.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

import urllib3.exceptions

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
    Unreachable,
    unreachable,
)
from connector.hubspot import vocab
from connector.retry import retry_after_seconds

# `ConnectionFailed.code` values: CONNECT means the request never left (safe to resend any
# request); IO means it may have reached HubSpot (resend only idempotent requests).
NOT_SENT = "CONNECT"
MAYBE_SENT = "IO"


def parse_body(body: str | bytes | None) -> dict[str, Any]:
    """HubSpot's JSON error body as a dict; {} when absent or not JSON."""
    if not body:
        return {}
    try:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def missing_scopes(body: Mapping[str, Any]) -> list[str]:
    """Scope names a 403 body says are required (granular names first), [] if it says none."""
    found: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") if isinstance(error, dict) else None
        if not isinstance(context, dict):
            continue
        for key in ("requiredGranularScopes", "requiredScopes", "missingScopes"):
            for scope in context.get(key) or []:
                if isinstance(scope, str) and scope not in found:
                    found.append(scope)
    return found


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def classify(
    status: int | None,
    headers: Mapping[str, str] | None = None,
    body: str | bytes | None = None,
    *,
    what: str = "HubSpot request",
) -> CRMError:
    """The `connector.errors` exception for one failed HubSpot answer."""
    headers = headers or {}
    parsed = parse_body(body)
    detail = str(parsed.get("message") or "").strip()
    category = parsed.get("category") or parsed.get("errorType")
    code = str(category) if category else None
    suffix = f": {detail}" if detail else ""
    if not status:
        return ConnectionFailed(f"{what}: no answer from HubSpot{suffix}", code=MAYBE_SENT)
    if status == 401:
        return AuthError(
            f"{what}: HubSpot refused the access token (invalid, expired or revoked); "
            "check the credential in hubspot.auth",
            status=status,
            code=code,
        )
    if status == 403:
        scopes = missing_scopes(parsed)
        if scopes:
            return PermissionDenied(
                f"{what}: the HubSpot credential lacks the scope {' or '.join(scopes)}; "
                "add it to the service key or app (hubspot.auth)",
                status=status,
                code=code or "MISSING_SCOPES",
                scopes=tuple(scopes),
            )
        return PermissionDenied(f"{what}: permission denied{suffix}", status=status, code=code)
    if status == 429:
        if parsed.get("policyName") == vocab.DAILY_POLICY:
            return QuotaExhausted(
                f"{what}: the daily HubSpot API limit is used up{suffix}",
                status=status,
                code=vocab.DAILY_POLICY,
            )
        policy = parsed.get("policyName")
        return RateLimited(
            f"{what}: rate limited{suffix}",
            status=status,
            code=str(policy) if policy else code,
            retry_after=retry_after_seconds(_header(headers, "retry-after")),
        )
    if 500 <= status <= 599:
        return ServerError(f"{what}: HubSpot server error{suffix}", status=status, code=code)
    return RequestRejected(f"{what}: rejected{suffix}", status=status, code=code)


def _is_client_exception(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("hubspot.") and hasattr(exc, "status")


def _tls_failure(exc: BaseException, what: str, address: str) -> CRMError | None:
    """A TLS handshake that failed is a configuration problem (an https:// base_url on a server
    speaking plain HTTP, or an untrusted certificate), not a transient one: never retried."""
    reason = str(getattr(exc, "reason", "") or "")
    if not reason.startswith("SSLError"):
        return None
    detail = " ".join(reason.split("\n", 1)[-1].split())[:200]
    return ConfigurationError(
        f"{what}: TLS with HubSpot at {address or 'hubspot.base_url'} failed ({detail}); check "
        "that hubspot.base_url has the scheme the server speaks (http:// or https://)"
    )


def translate(
    exc: BaseException, what: str = "HubSpot request", address: str = ""
) -> CRMError | None:
    """The CRMError for a client-library or network exception, or None if it is neither.
    `address` (the base URL) is named where the fix is in it."""
    if isinstance(exc, CRMError):
        return exc
    context = exc.__context__
    if not _is_client_exception(exc) and context is not None and _is_client_exception(context):
        # the client's own error handling failed on its exception (it decodes a body that an
        # unanswered request does not have): the exception it was handling is the real one
        return translate(context, what, address)
    if isinstance(
        exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError
    ):
        never = unreachable(exc, "HubSpot")
        if never is not None:
            return Unreachable(f"{what}: {never.message}", code=NOT_SENT)
        return ConnectionFailed(f"{what}: cannot connect to HubSpot: {exc}", code=NOT_SENT)
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return ConnectionFailed(f"{what}: connecting to HubSpot timed out", code=NOT_SENT)
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        return translate(exc.reason, what, address)
    if isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError):
        return ConnectionFailed(f"{what}: HubSpot did not answer in time", code=MAYBE_SENT)
    if isinstance(exc, urllib3.exceptions.HTTPError | ConnectionError):
        return ConnectionFailed(f"{what}: connection to HubSpot failed: {exc}", code=MAYBE_SENT)
    if _is_client_exception(exc):
        status = getattr(exc, "status", None)
        raw_headers = getattr(exc, "headers", None) or {}
        headers = {str(k): str(v) for k, v in dict(raw_headers).items()}
        body = getattr(exc, "body", None)
        if not status:
            tls = _tls_failure(exc, what, address)
            if tls is not None:
                return tls
        if not status and not body:
            body = json.dumps({"message": str(getattr(exc, "reason", "") or "")})
        return classify(status, headers, body, what=what)
    if type(exc).__module__.startswith("hubspot."):
        return RequestRejected(f"{what}: the client refused the request: {exc}")
    return None


@contextlib.contextmanager
def translate_errors(what: str = "HubSpot request", address: str = "") -> Iterator[None]:
    """Re-raise client-library and network errors as `connector.errors` exceptions."""
    try:
        yield
    except Exception as exc:
        translated = translate(exc, what, address)
        if translated is None or translated is exc:
            raise
        raise translated from exc
