"""The daemon's outside view: Prometheus metrics and `/healthz` on `metrics.port`.

`/metrics` serves the Prometheus text format; `/healthz` answers 200 while the daemon is
healthy and 503 once `unhealthy_after` cycles in a row have failed (a cycle that succeeds makes it
healthy again); a `dealgate serve` worker answers for itself instead (`sync.worker`). Every
series carries a `tenant` label (`default` for `dealgate run`). The server runs in a daemon
thread on its own registry.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from state.base import DEFAULT_TENANT
from sync.cycle import CycleReport

UNHEALTHY_AFTER = 3
Health = Callable[[], tuple[bool, dict[str, Any]]]  # the /healthz verdict and its JSON body
REQUEST_TIMEOUT_SECONDS = 10.0


class MetricsAddressError(Exception):
    """The metrics server cannot listen on the configured host and port."""


class Metrics:
    """Counters and gauges of the sync cycles, and the health verdict."""

    def __init__(self, unhealthy_after: int = UNHEALTHY_AFTER) -> None:
        self.unhealthy_after = unhealthy_after
        self.failures: dict[str, int] = {}  # failed cycles in a row, per tenant
        self.registry = CollectorRegistry()
        r = self.registry
        t = ["tenant"]
        self._cycles = Counter(
            "dealgate_cycles", "Sync cycles by status.", [*t, "status"], registry=r
        )
        self._deals = Counter("dealgate_deals_read", "Deals read.", t, registry=r)
        self._evaluated = Counter("dealgate_deals_evaluated", "Deals evaluated.", t, registry=r)
        self._tasks = Counter(
            "dealgate_tasks", "Task actions by kind.", [*t, "action"], registry=r
        )  # created, completed, deferred, refused
        self._errors = Counter("dealgate_deal_errors", "Deals skipped for bad data.", t, registry=r)
        self._calls = Counter("dealgate_api_calls", "CRM API calls made.", t, registry=r)
        self._failures = Gauge(
            "dealgate_consecutive_failed_cycles", "Failed cycles in a row.", t, registry=r
        )
        self._last_ok = Gauge(
            "dealgate_last_success_timestamp_seconds",
            "End of the last good cycle.",
            t,
            registry=r,
        )
        self._duration = Gauge(
            "dealgate_cycle_duration_seconds", "Duration of the last cycle.", t, registry=r
        )

    @property
    def consecutive_failures(self) -> int:
        """The most failed cycles in a row of any tenant."""
        return max(self.failures.values(), default=0)

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures < self.unhealthy_after

    def cycle_done(self, report: CycleReport, tenant: str = DEFAULT_TENANT) -> None:
        """Count a cycle that ran to its end (or was stopped on request)."""
        self.failures[tenant] = 0
        self._failures.labels(tenant).set(0)
        self._cycles.labels(tenant, "interrupted" if report.interrupted else "ok").inc()
        self._deals.labels(tenant).inc(report.deals_read)
        self._evaluated.labels(tenant).inc(report.deals_evaluated)
        for action in ("created", "completed", "deferred", "refused"):
            self._tasks.labels(tenant, action).inc(getattr(report, f"tasks_{action}"))
        self._errors.labels(tenant).inc(report.errors)
        self._calls.labels(tenant).inc(report.api_calls)
        if report.finished_at is not None:
            self._last_ok.labels(tenant).set(report.finished_at.timestamp())
            duration = (report.finished_at - report.started_at).total_seconds()
            self._duration.labels(tenant).set(duration)

    def cycle_failed(self, api_calls: int = 0, tenant: str = DEFAULT_TENANT) -> None:
        self.failures[tenant] = self.failures.get(tenant, 0) + 1
        self._failures.labels(tenant).set(self.failures[tenant])
        self._cycles.labels(tenant, "failed").inc()
        self._calls.labels(tenant).inc(api_calls)

    def forget(self, tenant: str) -> None:
        """A tenant this worker no longer holds: its failures no longer count here."""
        self.failures.pop(tenant, None)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """The `/healthz` verdict and body of `dealgate run`."""
        body = {"healthy": self.healthy, "consecutive_failed_cycles": self.consecutive_failures}
        return self.healthy, body

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))


class MetricsServer:
    """`/metrics` and `/healthz` on `host` (loopback by default), in a daemon thread.

    A connection gets `request_timeout` seconds to send its request: an idle or half-open one is
    closed then, so scrapers that leave connections open cannot pile up threads. A port already
    in use (or a host that is not one of this machine's) raises `MetricsAddressError`."""

    def __init__(
        self,
        metrics: Metrics,
        port: int,
        host: str = "127.0.0.1",
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        health: Health | None = None,
    ) -> None:
        handler = _handler(metrics, request_timeout, health or metrics.health)
        try:
            self._httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise MetricsAddressError(
                f"metrics.host/metrics.port {host}:{port}: cannot listen there "
                f"({exc.strerror or exc})"
            ) from None
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="dealgate-metrics", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for a serve loop that must be running
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()


def _handler(
    metrics: Metrics, request_timeout: float, health: Health
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = request_timeout  # socket timeout: an idle connection is dropped

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, metrics.render(), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                healthy, body = health()
                status = 200 if healthy else 503
                self._send(status, json.dumps(body).encode(), "application/json")
            else:
                self._send(404, b"not found\n", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
