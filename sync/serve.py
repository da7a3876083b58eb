"""`dealgate serve --tenants DIR --state postgresql://...`: load the tenants, then run a worker.

A tenant file that cannot be used is reported on stderr (one line per problem) and skipped; the
others run. Exit 2 when the state is not PostgreSQL, cannot be opened, or no tenant is usable;
0 after SIGTERM or SIGINT (every lease handed back).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from state.base import StateError
from state.location import is_postgres_url, mask_url
from sync.daemon import EXIT_ERROR, EXIT_OK, stop_signals
from sync.logs import get_logger, register_secrets, scrub
from sync.metrics import Metrics, MetricsAddressError, MetricsServer
from sync.tenants import load_tenants
from sync.terminal import one_line, printable
from sync.worker import LEASE_SECONDS, Worker

log = get_logger("dealgate.serve")


def _error(message: str) -> int:
    log.error("worker_stopped", reason=message)
    print(f"dealgate: error: {scrub(one_line(message))}", file=sys.stderr, flush=True)
    return EXIT_ERROR


def serve(
    tenants_dir: Path,
    state: str,
    *,
    lease_seconds: float = LEASE_SECONDS,
    metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1",
    stop: threading.Event | None = None,
) -> int:
    """Run one worker over the tenants in `tenants_dir`; return the exit code."""
    if not is_postgres_url(state):
        return _error(
            f"serve needs a PostgreSQL state that its workers share (got {mask_url(state)!r}; "
            "expected postgresql://USER@HOST:PORT/DATABASE)"
        )
    if not tenants_dir.is_dir():
        return _error(f"--tenants {tenants_dir}: not a folder")
    found = load_tenants(tenants_dir, state)
    for path, problems in found.broken.items():
        log.error("tenant_skipped", file=str(path), problems=problems)
        print(f"dealgate: skipped {printable(path.name)}:", file=sys.stderr, flush=True)
        for problem in problems:
            print(f"  {scrub(printable(problem))}", file=sys.stderr, flush=True)
    if not found.tenants:
        return _error(f"no usable tenant file (*.yaml) in {tenants_dir}")
    for tenant in found.tenants:
        register_secrets(tenant.settings.secrets())
    metrics = Metrics()
    worker = Worker(state, found.tenants, metrics, lease_seconds=lease_seconds)
    try:
        server = (
            MetricsServer(metrics, metrics_port, metrics_host, health=worker.health)
            if metrics_port
            else None
        )
    except MetricsAddressError as exc:
        return _error(str(exc))
    stop = stop or threading.Event()
    try:
        if server is not None:
            server.start()
            log.info("metrics_serving", host=metrics_host, port=server.port)
        with stop_signals(stop.set):
            worker.run(stop)
    except StateError as exc:
        return _error(str(exc))
    finally:
        if server is not None:
            server.stop()
    return EXIT_OK
