"""One Salesforce REST session: TLS, auth, error translation, retries, quota, call counting.

Every request of the connector goes through `SalesforceClient.call`, which
1. refuses to start when the daily quota is down to the reserve (`connector.retry.QuotaGuard`),
2. translates library errors (`errors.map_errors`),
3. logs in again once on `INVALID_SESSION_ID` when the auth method can (not a bare session id),
4. retries transient failures under `connector.retry.RetryPolicy`.

simple-salesforce is always built from a session id and instance URL: the client does its own
re-login so that "once" means once, and the session's response hook sees every response (to count
calls and read `Sforce-Limit-Info` and `Retry-After`), logins included.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import requests
import structlog
from simple_salesforce.api import Salesforce

from connector.answers import soql_name, unexpected
from connector.errors import AuthError, ConfigurationError, CRMError, UnexpectedAnswer
from connector.retry import QuotaGuard, RetryPolicy, Sleep, call_with_retry, retry_after_seconds
from connector.salesforce.auth import (
    EXPIRED_SESSION_MESSAGE,
    REFUSED_SESSION_MESSAGE,
    Login,
    SessionInfo,
    initial_session,
    login_for,
)
from connector.salesforce.decode import DecodingSalesforce
from connector.salesforce.errors import map_errors
from connector.settings import SalesforceSettings

T = TypeVar("T")
log = structlog.get_logger("connector.salesforce")

_FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)


def query_name(soql: str) -> str:
    """How errors name a query: `query on <object>` (the outer FROM, the last one)."""
    found = _FROM.findall(soql)
    return f"query on {found[-1]}" if found else "query"


def checked_page(page: Any, what: str, delivered: int = 0) -> dict[str, Any]:
    """A query page as documented (`records` a list, `totalSize` a number, `done` a flag), or
    UnexpectedAnswer: an answer without its records is never an empty result."""
    if not isinstance(page, dict):
        raise UnexpectedAnswer(unexpected("Salesforce", what, f"{type(page).__name__}, not a page"))
    records, total = page.get("records"), page.get("totalSize")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnexpectedAnswer(unexpected("Salesforce", what, "no list of records"))
    if not isinstance(total, int) or isinstance(total, bool):
        raise UnexpectedAnswer(unexpected("Salesforce", what, "no totalSize"))
    if not records and total > delivered:
        raise UnexpectedAnswer(
            unexpected("Salesforce", what, f"an empty page where totalSize says {total} records")
        )
    if not page.get("done", True) and not page.get("nextRecordsUrl"):
        raise UnexpectedAnswer(unexpected("Salesforce", what, "a page with no way to the next"))
    return page


_API_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(?P<used>\d+)/(?P<total>\d+)")


def parse_api_usage(header: str | None) -> tuple[int, int] | None:
    """(used, total) from a `Sforce-Limit-Info` header such as `api-usage=25/5000`."""
    match = _API_USAGE.search(header or "")
    return (int(match["used"]), int(match["total"])) if match else None


def tls_session(settings: SalesforceSettings, session: requests.Session | None) -> requests.Session:
    """The requests session to use: verify against `ca_bundle` when set.

    The bundle replaces the default trust store (requests' `verify=<file>`): it must hold every
    CA the connection needs, e.g. a TLS-inspecting proxy's CA. The environment still applies
    (`HTTPS_PROXY`, `NO_PROXY`, `.netrc`): only its CA variables (REQUESTS_CA_BUNDLE,
    CURL_CA_BUNDLE), which requests would let override `verify`, are ignored."""
    session = session or requests.Session()
    if settings.ca_bundle and not Path(settings.ca_bundle).is_file():
        raise ConfigurationError(f"salesforce.ca_bundle: no such file: {settings.ca_bundle}")
    if settings.ca_bundle:
        session.verify = settings.ca_bundle
        _pin_verify(session)
    return session


def _pin_verify(session: requests.Session) -> None:
    """Keep `session.verify` for requests that do not set their own, whatever the environment's
    CA variables say, without turning the environment (proxies) off."""
    merge = session.merge_environment_settings

    def merged(
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        found = merge(url, proxies, stream, verify, cert)
        if verify is None or verify is True:
            found["verify"] = session.verify
        return found

    session.merge_environment_settings = merged  # type: ignore[method-assign]


class SalesforceClient:
    """The REST calls the connector needs, each counted, guarded and retried."""

    def __init__(
        self,
        settings: SalesforceSettings,
        *,
        session: requests.Session | None = None,
        sleep: Sleep,
        login: Login | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.session = tls_session(settings, session)
        self.session.hooks["response"].append(self._on_response)
        self.policy = policy or RetryPolicy(
            attempts=settings.retry_attempts, max_wait_seconds=settings.max_retry_seconds
        )
        self.quota = QuotaGuard(settings.quota_reserve, "Salesforce")
        self.timeout = settings.timeout_seconds
        self.requests_made = 0
        self._sleep = sleep
        self._login = login if login is not None else login_for(settings, self.session)
        self._current = initial_session(settings)
        self._sf: Salesforce | None = None
        self._retry_after: float | None = None
        self.last_request = "first"  # names the request whose answer is being read, for errors
        self._session_accepted = False  # a bare session id that worked once can only expire
        # One request at a time: a stream's pages are read ahead in a thread of their own
        # (connector.readahead) while the engine writes tasks, and the session, the Retry-After
        # of the last answer and the call count are shared.
        self._lock = threading.RLock()

    # bookkeeping ------------------------------------------------------------------------------
    def _on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.requests_made += 1
        self._retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        usage = parse_api_usage(response.headers.get("Sforce-Limit-Info"))
        if usage is not None:
            self.quota.observe(*usage)

    def _log_retry(self, error: CRMError, wait: float, retry_number: int) -> None:
        log.warning(
            "salesforce.retry", error=str(error), wait_seconds=round(wait, 2), retry=retry_number
        )

    # session ----------------------------------------------------------------------------------
    def _bare_session_error(self) -> str:
        return EXPIRED_SESSION_MESSAGE if self._session_accepted else REFUSED_SESSION_MESSAGE

    def _log_in(self) -> SessionInfo:
        if self._login is None:
            raise AuthError(self._bare_session_error(), status=401, code="INVALID_SESSION_ID")
        with map_errors(), self._count_unanswered():
            return self._login()

    @contextmanager
    def _count_unanswered(self) -> Iterator[None]:
        # A request that got no response (refused, dropped, timed out) never reaches the response
        # hook; it still counts as a request made.
        try:
            yield
        except requests.RequestException as exc:
            if exc.response is None and not isinstance(exc, requests.exceptions.JSONDecodeError):
                self.requests_made += 1
            raise

    def _salesforce(self) -> Salesforce:
        if self._sf is None:
            if self._current is None:
                self._current = self._log_in()
            self._sf = DecodingSalesforce(
                session_id=self._current.session_id,
                instance_url=self._current.instance_url,
                version=self.settings.api_version,
                session=self.session,
                # Plain dicts, not the library's default OrderedDict, wherever the library still
                # decodes itself (its SFType helpers); `DecodingSalesforce` decodes the rest.
                object_pairs_hook=None,
            )
        return self._sf

    def _renew(self) -> None:
        self._current = self._log_in()
        self._sf = None
        log.info("salesforce.session_renewed")

    # calls ------------------------------------------------------------------------------------
    def call_once(self, op: Callable[[Salesforce], T]) -> T:
        """Run one request `op(sf)` under the quota guard, logging in again once on an expired
        session when the auth method can; no retries (for requests that are not idempotent)."""

        def attempt() -> T:
            with self._lock:
                self.quota.check()
                with map_errors(lambda: self._retry_after), self._count_unanswered():
                    result = op(self._salesforce())
                self._session_accepted = True
                return result

        try:
            return attempt()
        except AuthError as error:
            if error.code != "INVALID_SESSION_ID":
                raise
            if self._login is None:
                raise AuthError(self._bare_session_error(), status=401, code=error.code) from error
            with self._lock:
                self._renew()
            return attempt()

    def call(self, op: Callable[[Salesforce], T]) -> T:
        """`call_once`, with transient failures retried under the retry policy."""
        return call_with_retry(
            lambda: self.call_once(op), self.policy, sleep=self._sleep, on_retry=self._log_retry
        )

    def query(self, soql: str, *, include_deleted: bool = False) -> dict[str, Any]:
        """The first page of a SOQL query (queryAll when `include_deleted`)."""
        self.last_request = soql_name(soql)
        return self.call(
            lambda sf: sf.query(soql, include_deleted=include_deleted, timeout=self.timeout)
        )

    def query_more(self, next_records_url: str) -> dict[str, Any]:
        """The page at a `nextRecordsUrl` (top level or inside a child relationship)."""
        self.last_request = "query page"
        return self.call(
            lambda sf: sf.query_more(next_records_url, identifier_is_url=True, timeout=self.timeout)
        )

    def pages(self, soql: str, *, include_deleted: bool = False) -> Iterator[dict[str, Any]]:
        """Every page of a query, lazily, one request each; each checked (`checked_page`)."""
        what = query_name(soql)
        page = checked_page(self.query(soql, include_deleted=include_deleted), what)
        delivered = 0
        while True:
            yield page
            delivered += len(page["records"])
            next_url = page.get("nextRecordsUrl")
            if page.get("done", True) or not next_url:
                return
            page = checked_page(self.query_more(str(next_url)), what, delivered)

    def rows(self, soql: str, *, include_deleted: bool = False) -> Iterator[dict[str, Any]]:
        """Every record of a query, lazily."""
        for page in self.pages(soql, include_deleted=include_deleted):
            yield from page["records"]

    def rest(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """A REST call relative to /services/data/vXX.X/ (e.g. `composite/sobjects`)."""
        kwargs: dict[str, Any] = {"timeout": self.timeout}
        self.last_request = f"{method} {path}"
        if body is not None:
            kwargs["json"] = body
        return self.call(lambda sf: sf.restful(path, method=method, **kwargs))

    def describe(self, sobject: str) -> dict[str, Any]:
        """The describe result of one sObject type."""
        result = self.rest(f"sobjects/{quote(sobject)}/describe/")
        return result if isinstance(result, dict) else {}
