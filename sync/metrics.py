"""The daemon's outside view: Prometheus metrics and `/healthz` on `metrics.port`.

`/metrics` serves the Prometheus text format; `/healthz` answers 200 while the daemon is
healthy and 503 once `unhealthy_after` cycles in a row have failed (a cycle that succeeds makes it
healthy again). The server runs in a daemon thread on its own registry.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from sync.cycle import CycleReport

UNHEALTHY_AFTER = 3
REQUEST_TIMEOUT_SECONDS = 10.0


class MetricsAddressError(Exception):
    """The metrics server cannot listen on the configured host and port."""


class Metrics:
    """Counters and gauges of the sync cycles, and the health verdict."""

    def __init__(self, unhealthy_after: int = UNHEALTHY_AFTER) -> None:
        self.unhealthy_after = unhealthy_after
        self.consecutive_failures = 0
        self.registry = CollectorRegistry()
        r = self.registry
        self._cycles = Counter("dealgate_cycles", "Sync cycles by status.", ["status"], registry=r)
        self._deals = Counter("dealgate_deals_read", "Deals read.", registry=r)
        self._evaluated = Counter("dealgate_deals_evaluated", "Deals evaluated.", registry=r)
        self._tasks = Counter(
            "dealgate_tasks", "Task actions by kind.", ["action"], registry=r
        )  # created, completed, deferred, refused
        self._errors = Counter("dealgate_deal_errors", "Deals skipped for bad data.", registry=r)
        self._calls = Counter("dealgate_api_calls", "CRM API calls made.", registry=r)
        self._failures = Gauge(
            "dealgate_consecutive_failed_cycles", "Failed cycles in a row.", registry=r
        )
        self._last_ok = Gauge(
            "dealgate_last_success_timestamp_seconds", "End of the last good cycle.", registry=r
        )
        self._duration = Gauge(
            "dealgate_cycle_duration_seconds", "Duration of the last cycle.", registry=r
        )

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures < self.unhealthy_after

    def cycle_done(self, report: CycleReport) -> None:
        """Count a cycle that ran to its end (or was stopped on request)."""
        self.consecutive_failures = 0
        self._failures.set(0)
        self._cycles.labels("interrupted" if report.interrupted else "ok").inc()
        self._deals.inc(report.deals_read)
        self._evaluated.inc(report.deals_evaluated)
        for action in ("created", "completed", "deferred", "refused"):
            self._tasks.labels(action).inc(getattr(report, f"tasks_{action}"))
        self._errors.inc(report.errors)
        self._calls.inc(report.api_calls)
        if report.finished_at is not None:
            self._last_ok.set(report.finished_at.timestamp())
            self._duration.set((report.finished_at - report.started_at).total_seconds())

    def cycle_failed(self, api_calls: int = 0) -> None:
        self.consecutive_failures += 1
        self._failures.set(self.consecutive_failures)
        self._cycles.labels("failed").inc()
        self._calls.inc(api_calls)

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
    ) -> None:
        handler = _handler(metrics, request_timeout)
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


def _handler(metrics: Metrics, request_timeout: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = request_timeout  # socket timeout: an idle connection is dropped

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, metrics.render(), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                body = {
                    "healthy": metrics.healthy,
                    "consecutive_failed_cycles": metrics.consecutive_failures,
                }
                status = 200 if metrics.healthy else 503
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
