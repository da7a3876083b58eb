"""The sandbox's HTTP plumbing: routing, injected faults, a request log, a threaded server.

Each sandbox CRM (Salesforce, HubSpot) is an `App`: a list of routes over an in-memory store.
`serve()` runs an app on loopback in a daemon thread (TLS when given an SSL context), so tests and
the demo start a CRM in-process and the real client libraries talk to it over real sockets.

Faults are queued per (method, path regex) and consumed one per matching request, before the
route runs: a status with body and headers, a delay, or a dropped connection.

The request log is bounded: it keeps the latest `LOG_LIMIT` requests (a long-running
`sandbox serve` stays small) and never the body of a request the sandbox refused as
unauthenticated (401). `App.requests` and `App.counts()` stay exact whatever the log forgot, so
call counts (tests, benchmarks) do not depend on the bound.
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import socket
import ssl
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOG_LIMIT = 10_000  # requests the log keeps; counts stay exact beyond it


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route pattern

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-serializable, or bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


Handler = Callable[[Request], Response]


@dataclass
class Fault:
    """One injected answer. `drop` closes the connection without a response."""

    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


@dataclass
class LoggedRequest:
    method: str
    path: str
    status: int
    route: str  # the route's name, e.g. "query" or "tasks.batch_create"
    body: bytes = b""
    query: str = ""  # the raw query string, e.g. "q=SELECT+Id+FROM+Opportunity"

    @property
    def is_write(self) -> bool:
        return self.method in {"POST", "PATCH", "PUT", "DELETE"} and not self.route.endswith(
            (".search", ".batch_read", "query", ".read")
        )


class App:
    """Routes plus faults plus a request log; thread-safe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._faults: list[tuple[str, re.Pattern[str], list[Fault]]] = []
        self._lock = threading.RLock()
        self.log: deque[LoggedRequest] = deque(maxlen=LOG_LIMIT)  # the latest requests
        self._counts: Counter[str] = Counter()  # every request since the last reset, by route
        self.before: list[Callable[[Request], Response | None]] = []  # auth, rate limits
        self.after: list[Callable[[Request, Response], None]] = []  # headers on every answer
        self.observers: list[Callable[[LoggedRequest], None]] = []  # see every logged request

    # routing ------------------------------------------------------------------------------
    def route(self, method: str, pattern: str, name: str) -> Callable[[Handler], Handler]:
        compiled = re.compile(f"^{pattern}$")

        def register(fn: Handler) -> Handler:
            self._routes.append((method, compiled, name, fn))
            return fn

        return register

    def add_route(self, method: str, pattern: str, name: str, fn: Handler) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), name, fn))

    # faults -------------------------------------------------------------------------------
    def inject(self, method: str, path_regex: str, *faults: Fault) -> None:
        """Queue faults for requests whose method and path match; each is used once, in order."""
        with self._lock:
            self._faults.append((method.upper(), re.compile(path_regex), list(faults)))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fmethod, regex, queue in self._faults:
                if queue and fmethod in (method, "*") and regex.search(path):
                    return queue.pop(0)
        return None

    # request log --------------------------------------------------------------------------
    def counts(self) -> Counter[str]:
        """Requests per route name (exact, even once the log has dropped old entries)."""
        with self._lock:
            return Counter(self._counts)

    @property
    def requests(self) -> int:
        """Requests answered since the last reset (exact)."""
        with self._lock:
            return sum(self._counts.values())

    def writes(self) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if r.is_write]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()
            self._counts.clear()

    # dispatch -----------------------------------------------------------------------------
    def dispatch(self, request: Request) -> tuple[str, Response]:
        for method, regex, name, fn in self._routes:
            if method != request.method:
                continue
            match = regex.match(request.path)
            if match:
                request.params = {k: v for k, v in match.groupdict().items() if v is not None}
                for hook in self.before:
                    early = hook(request)
                    if early is not None:
                        return name, early
                return name, fn(request)
        return "unknown", Response(404, self.not_found_body(request))

    def not_found_body(self, request: Request) -> Any:
        return {"message": f"no route for {request.method} {request.path}"}

    def record(
        self, method: str, path: str, status: int, route: str, body: bytes, query: str = ""
    ) -> None:
        # an unauthenticated request is counted, never kept: its body is anybody's
        kept = b"" if status == 401 else body
        entry = LoggedRequest(method, path, status, route, kept, query)
        with self._lock:
            self.log.append(entry)
            self._counts[route] += 1
            observers = list(self.observers)
        for observe in observers:
            observe(entry)


def _make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes
        server_version = f"dealgate-sandbox-{app.name}"

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            return

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            fault = app._take_fault(request.method, request.path)
            if fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drop:
                    app.record(request.method, request.path, 0, "fault.drop", body)
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault.status:
                    response = Response(fault.status, fault.body, dict(fault.headers))
                    app.record(request.method, request.path, fault.status, "fault", body)
                    self._send(response)
                    return
            try:
                route, response = app.dispatch(request)
            except Exception as exc:  # a sandbox bug answers 500, like a real server would
                route, response = "error", Response(500, {"message": f"sandbox error: {exc!r}"})
            for hook in app.after:
                hook(request, response)
            app.record(request.method, request.path, response.status, route, body, split.query)
            self._send(response)

        def _send(self, response: Response) -> None:
            payload = response.encoded()
            self.send_response(response.status)
            headers = {"Content-Type": "application/json;charset=UTF-8", **response.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    return _Handler


class _QuietHTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that gave up (timeout, injected drop) is expected here, not a sandbox bug
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class PortInUse(OSError):
    """The port asked for is taken; the message names it."""

    def __init__(self, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} on 127.0.0.1 is already in use")
        self.port = port


class Server:
    """An app served on 127.0.0.1 in a daemon thread. Use as a context manager or call stop()."""

    def __init__(self, app: App, port: int = 0, ssl_context: ssl.SSLContext | None = None) -> None:
        self.app = app
        try:
            self._httpd = _QuietHTTPServer(("127.0.0.1", port), _make_handler(app))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port) from None
            raise
        self._httpd.daemon_threads = True
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if ssl_context is not None else "http"
        # a short poll interval makes stop() take milliseconds instead of up to half a second
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"sandbox-{app.name}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
