"""Where an audit's CPU goes: cProfile of a full audit against a sandbox in another process.

    python -m bench.profile_audit [--deals 20000] [--crm salesforce|hubspot] [--top 15]

Prints the top entries by own time (tottime) and by cumulative time. cProfile sees the main
thread only: requests made by the read-ahead thread show up as the consumer's waits on its
queue (`queue.get`), not as HTTP calls.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import sys
import tempfile
from pathlib import Path

from bench.audit import sandbox_server, settings_for


def profile(crm: str, deals: int, top: int) -> str:
    """The profile's two top-`top` tables, as text."""
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
        profiler = cProfile.Profile()
        profiler.enable()
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
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile a full audit.")
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--crm", choices=("salesforce", "hubspot"), default="salesforce")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    print(profile(args.crm, args.deals, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
