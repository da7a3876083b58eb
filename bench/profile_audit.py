"""Where an audit's CPU goes: cProfile of a full audit against a sandbox in another process.

    python -m bench.profile_audit [--deals 20000] [--crm salesforce|hubspot] [--top 15]
    python -m bench.profile_audit --steps [--deals 10000] [--crm salesforce]

Prints the top entries by own time (tottime) and by cumulative time. cProfile sees the main
thread only: requests made by the read-ahead thread show up as the consumer's waits on its
queue (`queue.get`), not as HTTP calls.

`--steps` instead times each step of the audit per deal, without a profiler: CPU time of the
thread (`time.thread_time`) around record flattening (Salesforce), mapping, the gates, the summary
and the report, with read-ahead turned off so that one thread does all the work.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import logging
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.audit import sandbox_server, settings_for


@contextmanager
def _audit_of(crm: str, deals: int) -> Iterator[Callable[[], None]]:
    """A sandbox of `deals` generated deals in a process of its own, and a function that runs
    one full JSON audit against it (logging quiet, connector built before)."""
    import structlog

    from sync.audit import run_audit
    from sync.factory import build_connector

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    with (
        sandbox_server(crm, deals) as (endpoint, _),
        tempfile.TemporaryDirectory(prefix="dealgate-profile-") as temp,
    ):
        settings = settings_for(endpoint, Path(temp))
        connector = build_connector(settings)

        def audit() -> None:
            run_audit(
                settings,
                connector,
                pipeline=None,
                phase=None,
                owner=None,
                fmt="json",
                output=Path(temp) / "audit.json",
                strict=False,
                progress=False,
                out=io.StringIO(),
            )

        yield audit


def profile(crm: str, deals: int, top: int) -> str:
    """The profile's two top-`top` tables, as text."""
    with _audit_of(crm, deals) as audit:
        profiler = cProfile.Profile()
        profiler.enable()
        audit()
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


_STEPS = (  # (module, class or "", function, label): what an audit calls once per deal
    ("connector.salesforce.reader", "", "raw_deal", "records (flatten)"),
    ("mappings.normalize", "", "normalize", "mapping"),
    ("sync.evaluate", "", "evaluate_deal", "gates"),
    ("sync.reports.summary", "AuditSummary", "add", "summary"),
    ("sync.reports.json_report", "JsonReport", "deal", "report (json)"),
)


def steps(crm: str, deals: int) -> str:
    """CPU µs per call of each step of a full audit, and the run's total CPU, as text."""
    import connector.hubspot.streams
    import connector.salesforce.reader

    def one_thread(pages: Any, *_: Any, **__: Any) -> Any:
        return pages

    setattr(connector.salesforce.reader, "read_ahead", one_thread)  # noqa: B010
    setattr(connector.hubspot.streams, "read_ahead", one_thread)  # noqa: B010
    spent: dict[str, list[float]] = {}

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        cost = spent.setdefault(label, [0.0, 0])

        def step(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                cost[0] += time.thread_time() - started
                cost[1] += 1

        return step

    for module_name, class_name, name, label in _STEPS:
        module = importlib.import_module(module_name)
        target = getattr(module, class_name) if class_name else module
        setattr(target, name, timed(getattr(target, name), label))
    with _audit_of(crm, deals) as audit:
        cpu = time.process_time()
        audit()
        cpu = time.process_time() - cpu
    lines = [f"{crm}, {deals} deals: {cpu:.2f} s CPU in all"]
    for label, (seconds, calls) in spent.items():
        if calls:
            lines.append(f"{label:20} {seconds / calls * 1e6:7.1f} µs a call, {calls} calls")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile a full audit.")
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--crm", choices=("salesforce", "hubspot"), default="salesforce")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--steps", action="store_true", help="CPU per deal of each step instead")
    args = parser.parse_args(argv)
    print(steps(args.crm, args.deals) if args.steps else profile(args.crm, args.deals, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
