"""The HTTP cut between the HubSpot connector and hubspot-api-client.

Every request goes through `Transport.call`: the rate limiter books a slot, the generated API
method runs with `_preload_content=False` (so dealgate parses HubSpot's documented JSON itself:
the generated deserializer matches status codes exactly and returns None for an unexpected
2xx, see CRM-API-NOTES), errors are translated at the boundary, transient ones retried under
`connector.retry`, and a 401 triggers one OAuth token refresh when refresh is configured.

The client's own urllib3 retries are off (`retry=False`): urllib3 does not retry POST, has no
backoff by default and would hide attempts from the request count.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from hubspot import HubSpot
from pydantic import SecretStr

from connector.answers import json_kind, unexpected
from connector.errors import (
    AuthError,
    ConfigurationError,
    ConnectionFailed,
    CRMError,
    RateLimited,
    RequestRejected,
    TransientError,
    UnexpectedAnswer,
)
from connector.hubspot.errors import NOT_SENT, translate_errors
from connector.hubspot.ratelimit import RateLimiter
from connector.retry import RetryPolicy, call_with_retry
from connector.settings import HubSpotSettings

log = structlog.get_logger(__name__)

Sleep = Callable[[float], None]
Json = dict[str, Any]

# Generated API objects by short name; each is built once (each owns a urllib3 pool).
_APIS: dict[str, Callable[[Any], Any]] = {
    "deals.search": lambda c: c.crm.deals.search_api,
    "deals.basic": lambda c: c.crm.deals.basic_api,
    "deals.batch": lambda c: c.crm.deals.batch_api,
    "contacts.basic": lambda c: c.crm.contacts.basic_api,
    "contacts.search": lambda c: c.crm.contacts.search_api,
    "contacts.batch": lambda c: c.crm.contacts.batch_api,
    "tasks.basic": lambda c: c.crm.objects.tasks.basic_api,
    "tasks.search": lambda c: c.crm.objects.tasks.search_api,
    "tasks.batch": lambda c: c.crm.objects.tasks.batch_api,
    "associations.batch": lambda c: c.crm.associations.v4.batch_api,
    "associations.labels": lambda c: c.crm.associations.v4.schema.definitions_api,
    "pipelines": lambda c: c.crm.pipelines.pipelines_api,
    "properties": lambda c: c.crm.properties.core_api,
    "property_groups": lambda c: c.crm.properties.groups_api,
    "owners": lambda c: c.crm.owners.owners_api,
    "oauth.tokens": lambda c: c.oauth.tokens_api,
    "oauth.access_tokens": lambda c: c.oauth.access_tokens_api,
}


class _NoRetry(Exception):
    """Carries a transient error that must not be retried (a write that may have landed)."""

    def __init__(self, error: CRMError) -> None:
        super().__init__(str(error))
        self.error = error


def _safe_to_resend(error: CRMError) -> bool:
    """A non-idempotent request may be resent only if HubSpot surely did not process it."""
    return isinstance(error, RateLimited) or (
        isinstance(error, ConnectionFailed) and error.code == NOT_SENT
    )


class Transport:
    """Authenticated, rate-limited, retried calls to HubSpot's generated APIs."""

    def __init__(
        self,
        settings: HubSpotSettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self.policy = policy or RetryPolicy(
            attempts=settings.retry_attempts, max_wait_seconds=settings.max_retry_seconds
        )
        self.limiter = RateLimiter(
            settings.requests_per_10s,
            10.0,
            settings.searches_per_second,
            clock=clock,
            sleep=sleep,
        )
        self.auth = settings.credentials()
        token = self.auth.token
        self._refresh_token = _reveal(self.auth.refresh_token)
        self._client_secret = _reveal(self.auth.client_secret)
        if not token and not self.can_refresh:
            raise ConfigurationError(
                f"hubspot.auth: the {self.auth.method} credential is empty (and no OAuth "
                "refresh_token, client_id and client_secret are configured to obtain a token)"
            )
        self._client = HubSpot(access_token=token or None, host=settings.base_url.rstrip("/"))
        # `retry` is a key of the client's config: False turns urllib3's retries off entirely.
        self._client.config["retry"] = False
        self._apis: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.api_calls = 0
        self.token = token
        self.last_request = "first"  # names the request whose answer is being read, for errors

    @property
    def can_refresh(self) -> bool:
        return bool(self._refresh_token and self.auth.client_id and self._client_secret)

    def api(self, name: str) -> Any:
        """The generated API object `name` (see `_APIS`), built on first use."""
        with self._lock:
            if name not in self._apis:
                self._apis[name] = _APIS[name](self._client)
            return self._apis[name]

    # -- one request ------------------------------------------------------------------------
    def _send(
        self, what: str, fn: Callable[..., Any], search: bool, kwargs: Json, lenient: bool = False
    ) -> Json:
        self.limiter.acquire(search=search)
        with self._lock:
            self.api_calls += 1
            self.last_request = what
        timeout = (min(10.0, self.settings.timeout_seconds), self.settings.timeout_seconds)
        try:
            with translate_errors(what, self.settings.base_url):
                response = fn(_preload_content=False, _request_timeout=timeout, **kwargs)
                data = response.data
                headers = dict(response.headers)
                response.release_conn()
        except CRMError as error:
            cause = error.__cause__
            raw_headers = getattr(cause, "headers", None)
            if raw_headers:
                self.limiter.observe({str(k): str(v) for k, v in dict(raw_headers).items()})
            raise
        self.limiter.observe(headers)
        return _parse(data, what, lenient)

    def _attempt(
        self,
        what: str,
        fn: Callable[..., Any],
        search: bool,
        kwargs: Json,
        idem: bool,
        lenient: bool = False,
    ) -> Json:
        try:
            try:
                return self._send(what, fn, search, kwargs, lenient)
            except AuthError:
                if not self.can_refresh:
                    raise
                self.refresh()
                return self._send(what, fn, search, kwargs, lenient)
        except TransientError as error:
            if not idem and not _safe_to_resend(error):
                raise _NoRetry(error) from error
            raise

    def call(
        self,
        what: str,
        api: str,
        method: str,
        *args: Any,
        idempotent: bool = True,
        lenient: bool = False,
        **kwargs: Any,
    ) -> Json:
        """Call generated method `api.method(*args, **kwargs)`; return the answer's JSON.

        `what` names the request in errors and logs. Transient errors are retried; for a
        request that is not `idempotent` only when HubSpot surely did not process it. An answer
        that is not a JSON object is an `UnexpectedAnswer`, unless `lenient` (batch writes, whose
        caller settles an unreadable answer by marker): then it comes as `{"results": answer}`.
        """
        target = getattr(self.api(api), method)

        def fn(**extra: Any) -> Any:
            return target(*args, **kwargs, **extra)

        return self._run(
            what, fn, search=method == "do_search", idempotent=idempotent, lenient=lenient
        )

    def _run(
        self,
        what: str,
        fn: Callable[..., Any],
        *,
        search: bool,
        idempotent: bool,
        lenient: bool = False,
    ) -> Json:
        if not self.token and self.can_refresh:
            self.refresh()

        def once() -> Json:
            return self._attempt(what, fn, search, {}, idempotent, lenient)

        try:
            return call_with_retry(once, self.policy, sleep=self.sleep, on_retry=self._on_retry)
        except _NoRetry as wrapped:
            raise wrapped.error from None

    def post(self, what: str, path: str, body: Mapping[str, Any]) -> Json:
        """POST a JSON body to a path the generated client has no method for, with the bearer
        token (a CRM module's client: the OAuth module's sends no Authorization header)."""
        client = self.api("tasks.batch").api_client

        def fn(**extra: Any) -> Any:
            return client.call_api(
                path,
                "POST",
                header_params={"Content-Type": "application/json", "Accept": "application/json"},
                body=dict(body),
                response_types_map={},
                auth_settings=["oauth2"],
                _return_http_data_only=True,
                **extra,
            )

        return self._run(what, fn, search=False, idempotent=True)

    def _on_retry(self, error: CRMError, wait: float, attempt: int) -> None:
        log.warning("hubspot.retry", error=str(error), wait_seconds=round(wait, 2), attempt=attempt)

    # -- OAuth --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Exchange the refresh token for a new access token and hand it to every API object."""
        if not self.can_refresh:
            raise AuthError("HubSpot token expired and no OAuth refresh is configured")
        try:
            answer = self._send(
                "OAuth token refresh",
                self.api("oauth.tokens").create,
                False,
                {
                    "grant_type": "refresh_token",
                    "refresh_token": self._refresh_token,
                    "client_id": self.auth.client_id,
                    "client_secret": self._client_secret,
                },
            )
        except (AuthError, RequestRejected) as error:
            raise AuthError(
                "HubSpot refused the OAuth refresh token; reconnect the app "
                f"(hubspot.auth.refresh_token): {error.message}",
                status=error.status,
            ) from None
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthError("HubSpot's OAuth refresh answer carried no access_token")
        if isinstance(answer.get("refresh_token"), str):
            self._refresh_token = answer["refresh_token"]
        with self._lock:
            self.token = token
            self._client.access_token = token
            for api in self._apis.values():
                api.api_client.configuration.access_token = token
        log.info("hubspot.token_refreshed")


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def _parse(data: bytes | str | None, what: str, lenient: bool = False) -> Json:
    """The JSON object of an answer; {} for an empty body (204). Every answer HubSpot documents
    for the requests dealgate sends is an object: anything else is an unexpected answer."""
    if not data:
        return {}
    try:
        parsed = json.loads(data)
    except ValueError:
        raise RequestRejected(f"{what}: HubSpot answered with something other than JSON") from None
    if not isinstance(parsed, dict) and lenient:
        return {"results": parsed}  # the caller checks it (`writes.readable`)
    if not isinstance(parsed, dict):
        raise UnexpectedAnswer(
            unexpected("HubSpot", what, f"{json_kind(parsed)} where a JSON object belongs")
        )
    return parsed
