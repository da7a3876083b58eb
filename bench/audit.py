"""Benchmark: a full audit of sandbox deals, its wall time and its peak memory at two sizes.

    python -m bench.audit [--deals 10000 100000 1000000] [--crm salesforce|hubspot] [--no-trace]

For each size, a sandbox CRM runs in a process of its own (so its in-memory store does not count)
and is loaded with `store.generate(n)` (3 contacts and 1 task per deal). Then the audit runs twice
in fresh worker processes: once plain, for the wall time and the worker's peak RSS (ru_maxrss),
once under tracemalloc, for the peak of Python memory allocated during the audit (`--no-trace`
skips it: at 1,000,000 deals it takes long). Memory is flat when the peaks at every size are
close: the audit streams. Time is linear when the CPU seconds per deal stay the same.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

MB = 1024 * 1024
# The HubSpot sandbox advertises its rate limit in headers, and dealgate keeps to it (190 requests
# per 10 s by default, about 25 s for a 10,000-deal read). The benchmarks measure the software's
# own cost, so the sandbox advertises a limit no run reaches.
UNTHROTTLED = (1_000_000, 10.0)


@dataclass(frozen=True)
class Endpoint:
    crm: str
    url: str
    token: str
    ca_file: str | None


@dataclass(frozen=True)
class Measure:
    deals_read: int
    deals_audited: int
    api_calls: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    traced_peak_mb: float | None
    report_mb: float


def serve(crm: str, deals: int, conn: Connection) -> None:
    """Child process: a sandbox with `deals` generated deals, until told to stop."""
    if crm == "salesforce":
        from sandbox import salesforce

        with salesforce.start(seed=None, api_limit=10_000_000) as sf:
            sf.store.generate(deals, seed=1)
            conn.send(Endpoint(crm, sf.url, sf.token, str(sf.ca_file)))
            conn.recv()
    else:
        import sandbox.hubspot

        with sandbox.hubspot.start(seed=None, rate_limit=UNTHROTTLED) as hs:
            hs.store.generate(deals, seed=1)
            conn.send(Endpoint(crm, hs.url, hs.token, None))
            conn.recv()


def settings_for(endpoint: Endpoint, base: Path, state: str | None = None) -> Any:
    """Settings that point dealgate at a sandbox `endpoint`, files under `base`."""
    from sync.config import Settings

    extra: dict[str, Any] = {"base_dir": base}
    if state is not None:
        extra["state"] = state

    if endpoint.crm == "salesforce":
        return Settings.model_validate(
            {
                "crm": "salesforce",
                "salesforce": {
                    "instance_url": endpoint.url,
                    "auth": {"method": "session", "session_id": endpoint.token},
                    "ca_bundle": endpoint.ca_file,
                },
                **extra,
            }
        )
    return Settings.model_validate(
        {
            "crm": "hubspot",
            "hubspot": {
                "access_token": endpoint.token,
                "base_url": endpoint.url,
                "requests_per_10s": 100_000,
                "searches_per_second": 1000,
            },
            **extra,
        }
    )


def _audit(endpoint: Endpoint, fmt: str, traced: bool, conn: Connection) -> None:
    """Worker process: one audit; sends back its Measure."""
    import logging

    import structlog

    from sync.audit import run_audit
    from sync.factory import build_connector

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    with tempfile.TemporaryDirectory(prefix="dealgate-bench-") as temp:
        base = Path(temp)
        settings = settings_for(endpoint, base)
        connector = build_connector(settings)
        output = base / f"audit.{fmt}"
        if traced:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        run_audit(
            settings,
            connector,
            pipeline=None,
            phase=None,
            owner=None,
            fmt=fmt,  # type: ignore[arg-type]
            output=output,
            strict=False,
            progress=False,
            out=io.StringIO(),
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
        traced_peak = tracemalloc.get_traced_memory()[1] / MB if traced else None
        tracemalloc.stop()
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report_mb = output.stat().st_size / MB
        read = audited = 0
        if fmt == "json":
            read, audited = _counts(output)
    conn.send(
        Measure(
            deals_read=read,
            deals_audited=audited,
            api_calls=connector.api_calls,
            seconds=seconds,
            cpu_seconds=cpu_seconds,
            peak_rss_mb=peak_rss_mb,
            traced_peak_mb=traced_peak,
            report_mb=report_mb,
        )
    )


def _counts(report: Path) -> tuple[int, int]:
    """(deals read, deals audited) from a JSON report's summary line, without loading it all."""
    with report.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('"summary": '):
                summary = json.loads(line[len('"summary": ') :])
                return int(summary["deals_read"]), int(summary["deals"])
    return 0, 0


def _in_process(target: Any, *args: Any) -> Any:
    """Run `target(*args, conn)` in a fresh process and return what it sends."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(*args, theirs))
    process.start()
    try:
        return ours.recv()
    finally:
        process.join(timeout=600)


@contextmanager
def sandbox_server(
    crm: str, deals: int, target: Callable[[str, int, Connection], None] | None = None
) -> Iterator[tuple[Endpoint, Connection]]:
    """A sandbox of `deals` generated deals served by `target` (default `serve`) in a process
    of its own, so that its CPU is not the measured process's: (its endpoint, the pipe that
    talks to it). The server is told to stop on exit."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=target or serve, args=(crm, deals, theirs), daemon=True)
    server.start()
    theirs.close()  # ours.recv() then fails at once if the server dies instead of waiting forever
    try:
        endpoint: Endpoint = ours.recv()
        yield endpoint, ours
    finally:
        ours.send("stop")
        server.join(timeout=60)


def measure(crm: str, deals: int, fmt: str, trace: bool = True) -> tuple[Measure, Measure | None]:
    """(plain run, traced run or None) of an audit of `deals` generated deals."""
    with sandbox_server(crm, deals) as (endpoint, _):
        plain: Measure = _in_process(_audit, endpoint, fmt, False)
        traced: Measure | None = _in_process(_audit, endpoint, fmt, True) if trace else None
    return plain, traced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Audit wall time and peak memory.")
    parser.add_argument("--deals", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--crm", choices=("salesforce", "hubspot"), default="salesforce")
    parser.add_argument("--format", choices=("table", "json", "csv", "html"), default="json")
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the tracemalloc run (slow at 1M deals)"
    )
    args = parser.parse_args(argv)

    print(f"audit benchmark: {args.crm} sandbox, --format {args.format}, 3 contacts/deal")
    header = (
        f"{'deals':>8} {'read':>8} {'audited':>8} {'API calls':>9} {'wall s':>7} {'CPU s':>7} "
        f"{'deals/CPU s':>11} {'peak RSS MB':>11} {'traced peak MB':>14} {'report MB':>9}"
    )
    print(header)
    results: list[tuple[int, Measure]] = []
    for deals in args.deals:
        plain, traced = measure(args.crm, deals, args.format, trace=not args.no_trace)
        results.append((deals, plain))
        traced_mb = f"{traced.traced_peak_mb or 0:.1f}" if traced is not None else "-"
        print(
            f"{deals:>8} {plain.deals_read:>8} {plain.deals_audited:>8} {plain.api_calls:>9} "
            f"{plain.seconds:>7.1f} {plain.cpu_seconds:>7.1f} {deals / plain.cpu_seconds:>11.0f} "
            f"{plain.peak_rss_mb:>11.1f} {traced_mb:>14} {plain.report_mb:>9.1f}",
            flush=True,
        )
    if len(results) >= 2:
        (small, first), (large, last) = results[0], results[-1]
        rss = last.peak_rss_mb / first.peak_rss_mb
        per_deal = (last.cpu_seconds / large) / (first.cpu_seconds / small)
        print(
            f"{large // small}x the deals: peak RSS x{rss:.2f}, CPU per deal x{per_deal:.2f} "
            "(1.00 = linear)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
