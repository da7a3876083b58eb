"""The Salesforce REST surface: routes under any `/services/data/vNN.N/` prefix.

A request whose URI is longer than 16,384 bytes is refused with 414 URI Too Long, and one whose
URI and headers together are longer with 431, before anything else (Salesforce's front end does
the same; it bounds how many ids fit in a GET query's `IN` list).

The org serves API versions 31.0 up to `max_version` (68.0, Winter '27, by default): `GET
/services/data/` lists them; a retired version (below 31.0) answers 410 GONE and one the org does
not know yet 404 NOT_FOUND, before anything else. `POST /services/oauth2/token` is the login
server (`sandbox.salesforce.oauth`).

Every other routed request needs `Authorization: Bearer <session id>` (401 INVALID_SESSION_ID
otherwise), counts toward the daily API usage (403 REQUEST_LIMIT_EXCEEDED once it reaches the
limit), and every answer carries `Sforce-Limit-Info: api-usage=USED/LIMIT`. Errors are
Salesforce's JSON list `[{"message", "errorCode", "fields"?}]`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sandbox.http import App, Request, Response
from sandbox.salesforce import query, writes
from sandbox.salesforce.describe import describe, describe_global
from sandbox.salesforce.oauth import TOKEN_PATH, LoginServer
from sandbox.salesforce.rules import RequestError
from sandbox.salesforce.soql_parse import SoqlError
from sandbox.salesforce.store import SalesforceStore
from sandbox.salesforce.values import format_datetime, parse_datetime

PREFIX = r"/services/data/v(?P<version>\d+\.\d+)/"
_TYPE = r"(?P<type>[A-Za-z0-9_]+)"
UPDATED_WINDOW_DAYS = 30
DELETED_WINDOW_DAYS = 15
_NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
MAX_REQUEST_HEAD = 16_384  # bytes of URI, and of URI plus headers, Salesforce accepts
MIN_VERSION = "31.0"  # versions 21.0-30.0 were retired in Summer '25
MAX_VERSION = "68.0"  # Winter '27


class SalesforceApp(App):
    """An App whose unknown paths answer like Salesforce's."""

    def not_found_body(self, request: Request) -> Any:
        return _NOT_FOUND


def _number(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)


def build_app(
    store: SalesforceStore,
    *,
    batch_size: int = 2000,
    login: LoginServer | None = None,
    max_version: str = MAX_VERSION,
) -> SalesforceApp:
    """The Salesforce app over `store`; `batch_size` caps the rows of a query page; `login`
    serves the OAuth token endpoint; versions 31.0 to `max_version` are served."""
    app = SalesforceApp("salesforce")
    cursors = query.Cursors(store)
    versions = [f"{n}.0" for n in range(_number(MIN_VERSION)[0], _number(max_version)[0] + 1)]

    def version_known(request: Request) -> Response | None:
        version = request.params.get("version")
        if version is None:
            return None
        if _number(version) < _number(MIN_VERSION):
            return Response(410, [{"errorCode": "GONE", "message": "API version retired"}])
        if version not in versions:
            return Response(404, _NOT_FOUND)
        return None

    def head_size(request: Request) -> Response | None:
        uri = len(request.path) + len(urlencode(request.query, doseq=True)) + 1
        if uri > MAX_REQUEST_HEAD:
            return Response(414, b"URI Too Long", {"Content-Type": "text/plain"})
        headers = sum(len(name) + len(value) + 4 for name, value in request.headers.items())
        if uri + headers > MAX_REQUEST_HEAD:
            return Response(431, b"Request Header Fields Too Large", {"Content-Type": "text/plain"})
        return None

    def authenticate(request: Request) -> Response | None:
        if "version" not in request.params:
            return None  # the versions list and the login server need no session
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not store.accepts(token.strip()):
            return Response(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
        with store.lock:
            if store.api_used >= store.api_limit:
                return Response(
                    403,
                    [
                        {
                            "message": "TotalRequests Limit exceeded.",
                            "errorCode": "REQUEST_LIMIT_EXCEEDED",
                        }
                    ],
                )
            store.count_request()
        return None

    def limit_header(request: Request, response: Response) -> None:
        response.headers["Sforce-Limit-Info"] = f"api-usage={store.api_used}/{store.api_limit}"

    app.before.append(head_size)
    app.before.append(version_known)
    app.before.append(authenticate)
    app.after.append(limit_header)

    def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            try:
                return handler(request)
            except RequestError as exc:
                return Response(exc.status, exc.body())
            except SoqlError as exc:
                return Response(400, [{"message": exc.full_message, "errorCode": exc.code}])

        return run

    def page_size(request: Request) -> int:
        options = request.headers.get("sforce-query-options", "")
        for part in options.split(","):
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "batchsize" and value.strip().isdigit():
                return min(max(int(value), 200), 2000, batch_size)
        return batch_size

    def run_query(include_deleted: bool) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            soql = request.arg("q")
            if not soql:
                raise RequestError("MALFORMED_QUERY", "A query string has to be specified")
            body = query.run(
                store,
                cursors,
                soql,
                include_deleted=include_deleted,
                batch=page_size(request),
                version=request.params["version"],
            )
            return Response(200, body)

        return handler

    def query_more(request: Request) -> Response:
        body = query.more(
            store,
            cursors,
            request.params["locator"],
            int(request.params["offset"]),
            request.params["version"],
        )
        return Response(200, body)

    def limits(request: Request) -> Response:
        with store.lock:
            used, limit = store.api_used, store.api_limit
        return Response(
            200,
            {
                "DailyApiRequests": {"Max": limit, "Remaining": max(limit - used, 0)},
                "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
                "DataStorageMB": {"Max": 1024, "Remaining": 1024},
            },
        )

    def describe_one(request: Request) -> Response:
        sobject = writes.sobject_type(store, request.params["type"])
        with store.lock:
            return Response(200, describe(sobject, request.params["version"]))

    def describe_all(request: Request) -> Response:
        with store.lock:
            return Response(
                200, describe_global(list(store.schema.values()), request.params["version"])
            )

    def changed(deleted: bool) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            sobject = writes.sobject_type(store, request.params["type"])
            start, end = _window(
                request, store.now(), DELETED_WINDOW_DAYS if deleted else UPDATED_WINDOW_DAYS
            )
            return Response(200, _changes(store, sobject.name, start, end, deleted=deleted))

        return handler

    routes: list[tuple[str, str, str, Callable[[Request], Response]]] = [
        ("GET", r"query/?", "query", run_query(False)),
        ("GET", r"queryAll/?", "queryAll", run_query(True)),
        (
            "GET",
            r"(?:query|queryAll)/(?P<locator>01g[0-9A-Za-z]{15})-(?P<offset>\d+)/?",
            "query.more",
            query_more,
        ),
        ("GET", r"limits/?", "limits", limits),
        ("GET", r"sobjects/?", "describe.global", describe_all),
        ("GET", rf"sobjects/{_TYPE}/describe/?", "describe", describe_one),
        ("GET", rf"sobjects/{_TYPE}/updated/?", "updated", changed(False)),
        ("GET", rf"sobjects/{_TYPE}/deleted/?", "deleted", changed(True)),
        ("POST", rf"sobjects/{_TYPE}/?", "sobject.create", lambda r: writes.create(store, r)),
        (
            "GET",
            rf"sobjects/{_TYPE}/(?P<id>[0-9A-Za-z]+)/?",
            "sobject.read",
            lambda r: writes.read(store, r),
        ),
        (
            "PATCH",
            rf"sobjects/{_TYPE}/(?P<id>[0-9A-Za-z]+)/?",
            "sobject.update",
            lambda r: writes.update(store, r),
        ),
        (
            "DELETE",
            rf"sobjects/{_TYPE}/(?P<id>[0-9A-Za-z]+)/?",
            "sobject.delete",
            lambda r: writes.delete(store, r),
        ),
        (
            "POST",
            r"composite/sobjects/?",
            "collections.create",
            lambda r: writes.collection_save(store, r, creating=True),
        ),
        (
            "PATCH",
            r"composite/sobjects/?",
            "collections.update",
            lambda r: writes.collection_save(store, r, creating=False),
        ),
        (
            "DELETE",
            r"composite/sobjects/?",
            "collections.delete",
            lambda r: writes.collection_delete(store, r),
        ),
    ]
    for method, pattern, name, handler in routes:
        app.add_route(method, PREFIX + pattern, name, guarded(handler))

    def list_versions(request: Request) -> Response:
        return Response(
            200,
            [{"label": f"v{v}", "url": f"/services/data/v{v}", "version": v} for v in versions],
        )

    app.add_route("GET", r"/services/data/?$", "versions", list_versions)
    if login is not None:
        app.add_route("POST", TOKEN_PATH + "/?$", "oauth.token", login.token)
    return app


def _window(request: Request, now: datetime, days: int) -> tuple[datetime, datetime]:
    """The (start, end) of an updated/deleted request, checked as Salesforce checks them."""
    try:
        start = parse_datetime((request.arg("start") or "").replace(" ", "+"))
        end = parse_datetime((request.arg("end") or "").replace(" ", "+"))
    except ValueError:
        raise RequestError(
            "INVALID_REPLICATION_DATE", "start and end must be ISO 8601 dateTimes"
        ) from None
    if end <= start:
        raise RequestError("INVALID_REPLICATION_DATE", "EndDate before StartDate")
    if start < now - timedelta(days=days):
        raise RequestError(
            "INVALID_REPLICATION_DATE", f"startDate cannot be more than {days} days ago"
        )
    return start, end


def _changes(
    store: SalesforceStore, sobject: str, start: datetime, end: datetime, *, deleted: bool
) -> dict[str, Any]:
    """Ids whose SystemModstamp falls in [start, latestDateCovered), minutes as Salesforce has."""
    lo = start.replace(second=0, microsecond=0)
    covered = min(end, store.now()).replace(second=0, microsecond=0)
    with store.lock:
        table = store.table(sobject)
        stamp = table.type.slots.get("SystemModstamp")
        gone = table.type.slots.get("IsDeleted")
        hits: list[tuple[str, datetime]] = []
        for record_id, row in table.rows.items():
            is_deleted = bool(row[gone]) if gone is not None else False
            if stamp is None or is_deleted != deleted:
                continue
            if lo <= row[stamp] < covered:
                hits.append((record_id, row[stamp]))
    if deleted:
        return {
            "deletedRecords": [{"id": i, "deletedDate": format_datetime(d)} for i, d in hits],
            "earliestDateAvailable": format_datetime(lo),
            "latestDateCovered": format_datetime(covered),
        }
    return {"ids": [i for i, _ in hits], "latestDateCovered": format_datetime(covered)}
