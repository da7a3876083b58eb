"""`dealgate run`: the daemon loop around the engine.

The first cycle runs at start, then one every `poll_interval_seconds`. SIGTERM or SIGINT lets the
write batch in flight finish, saves the state and exits 0 (a second signal ends the process at
once; the ledger makes even that safe). A cycle that fails on a transient CRM error is logged and
tried again at the next interval, and so is one that fails on an unexpected error (logged with
its traceback); a terminal CRM error (credentials, permissions, daily quota, a refused request)
stops the daemon with exit 2 and the reason on stderr. With `once`, a failed cycle exits 2.
`/healthz` turns unhealthy after three failed cycles in a row.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from connector.base import Connector
from connector.errors import CRMError, Interrupted, QuotaExhausted, TerminalError
from gates import GateConfigError
from mappings import MappingError
from state.base import StateError, open_store
from sync.config import Settings
from sync.cycle import CycleReport
from sync.engine import BATCH_SIZE, Clock, Engine, utc_now
from sync.i18n import text
from sync.logs import get_logger, scrub
from sync.metrics import Metrics, MetricsAddressError, MetricsServer
from sync.terminal import one_line, printable

log = get_logger("dealgate.daemon")

EXIT_OK = 0
EXIT_ERROR = 2
QUOTA_WAIT_SECONDS = 900.0  # between cycles while the CRM's daily quota is down to the reserve


def _error(message: str) -> int:
    log.error("daemon_stopped", reason=message)
    print(f"dealgate: error: {scrub(one_line(message))}", file=sys.stderr, flush=True)
    return EXIT_ERROR


def run(
    settings: Settings,
    *,
    once: bool = False,
    dry_run: bool = False,
    full: bool = False,
    connector: Connector | None = None,
    clock: Clock = utc_now,
    batch_size: int = BATCH_SIZE,
    stop: threading.Event | None = None,
    quota_wait_seconds: float = QUOTA_WAIT_SECONDS,
) -> int:
    """Run the daemon (or one cycle with `once`); return the process exit code.

    `connector` defaults to `sync.factory.build_connector(settings)`. `stop` ends the loop when
    set (signals set it too). `full` makes the first cycle read every deal. While the CRM's
    daily quota is down to the reserve the daemon keeps running and tries again every
    `quota_wait_seconds` (at least one poll interval).
    """
    from sync.checks import load_method
    from sync.factory import build_connector, interruptible_sleep

    dry = dry_run or settings.dry_run
    try:
        mapping, catalog = load_method(settings)
    except (MappingError, GateConfigError) as exc:
        return _error("; ".join(exc.problems))
    try:
        store = open_store(settings.state_location, read_only=dry)
    except StateError as exc:
        return _error(str(exc))
    stop = stop or threading.Event()
    try:
        crm = (
            connector
            if connector is not None
            else build_connector(settings, sleep=interruptible_sleep(stop), interactive=once)
        )
    except CRMError as exc:
        store.close()
        return _error(f"{settings.crm}: {exc}")
    engine = Engine(
        settings, crm, store, mapping=mapping, catalog=catalog, clock=clock, batch_size=batch_size
    )
    metrics = Metrics()
    try:
        server = (
            MetricsServer(metrics, settings.metrics.port, settings.metrics.host)
            if settings.metrics.port
            else None
        )
    except MetricsAddressError as exc:
        store.close()
        return _error(str(exc))
    try:
        if server is not None:
            server.start()
            log.info("metrics_serving", host=settings.metrics.host, port=server.port)

        def request_stop() -> None:
            stop.set()
            engine.request_stop()

        with stop_signals(request_stop):
            return _loop(
                engine,
                settings,
                metrics,
                stop,
                once=once,
                dry=dry,
                full=full,
                quota_wait=quota_wait_seconds,
            )
    finally:
        if server is not None:
            server.stop()
        store.close()


def _loop(
    engine: Engine,
    settings: Settings,
    metrics: Metrics,
    stop: threading.Event,
    *,
    once: bool,
    dry: bool,
    full: bool = False,
    quota_wait: float = QUOTA_WAIT_SECONDS,
) -> int:
    log.info(
        "daemon_start",
        crm=settings.crm,
        once=once,
        dry_run=dry,
        poll_interval_seconds=settings.poll_interval_seconds,
    )
    while not stop.is_set():
        calls_before = engine.connector.api_calls
        try:
            report = engine.run_cycle(full=True if full else None, dry_run=dry)
            full = False
        except Interrupted:
            log.info("cycle_interrupted", reason="shutdown requested while waiting to retry")
            break
        except QuotaExhausted as exc:
            # Not an end: the quota frees up as the CRM's 24-hour window rolls on. Wait longer
            # than a poll, so that probing the usage costs a handful of calls a day.
            metrics.cycle_failed(engine.connector.api_calls - calls_before)
            if once:
                return _error(f"{settings.crm} refused the cycle: {exc}")
            wait = max(settings.poll_interval_seconds, quota_wait)
            log.error("quota_reserve_reached", error=str(exc), retry_in=wait)
            stop.wait(wait)
            continue
        except TerminalError as exc:
            metrics.cycle_failed(engine.connector.api_calls - calls_before)
            return _error(f"{settings.crm} refused the cycle: {exc}")
        except CRMError as exc:
            metrics.cycle_failed(engine.connector.api_calls - calls_before)
            log.error("cycle_failed", error=str(exc), retry_in=settings.poll_interval_seconds)
            if once:
                return _error(f"the cycle failed: {exc}")
        except (StateError, sqlite3.Error) as exc:
            return _error(f"state {settings.state}: {exc}")
        except Exception as exc:  # a bug must not end the daemon: log it, try again later
            metrics.cycle_failed(engine.connector.api_calls - calls_before)
            log.exception("cycle_crashed", error=f"{type(exc).__name__}: {exc}")
            if once:
                return _error(f"the cycle failed: {type(exc).__name__}: {exc}")
        else:
            metrics.cycle_done(report)
            _summarize(report, settings.language)
        if once:
            break
        stop.wait(settings.poll_interval_seconds)
    log.info("daemon_stop")
    return EXIT_OK


def _summarize(report: CycleReport, language: str = "en") -> None:
    log.info(
        "cycle_summary",
        full=report.full,
        dry_run=report.dry_run,
        interrupted=report.interrupted,
        unmapped_stages=report.unmapped_lines(),
        missing_fields=report.missing_fields,
        **report.counts(),
    )
    if report.dry_run:
        for line in report.diff_lines(language):
            print(line, flush=True)
        for line in report.unmapped_lines(language):
            print(text(language, "cycle.warning", line=printable(line)), flush=True)
    print(report.summary_line(language), flush=True)


@contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """SIGTERM/SIGINT call `on_stop` once; a second signal ends the process (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("stop_requested", signal=signal.Signals(signum).name)
        on_stop()
        for sig in previous:  # the next signal takes the default way out
            signal.signal(sig, signal.SIG_DFL)

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
