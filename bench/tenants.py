"""Benchmark: cycles per minute of 1, 2 and 4 `dealgate serve` workers sharing 40 sandbox tenants.

    python -m bench.tenants [--tenants 40] [--workers 1 2 4] [--delay 0.05] [--window 30]

The sandboxes (HubSpot and Salesforce in turn, three deals each) run in this process and add a
fixed delay to every answer, as a CRM across a network does. Each worker count gets a fresh
PostgreSQL schema on the test server (DEALGATE_TEST_POSTGRES_URL, as the tests) and fresh worker
processes; every tenant polls each second. Once every tenant has finished a first cycle, the
finished cycles over `--window` seconds of the database's clock are counted: cycles per minute,
and the ratio to one worker.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sandbox.http import Request, Response
from tests.fixtures.postgres import postgres_schema
from tests.sync.sandboxes import SeedDeal
from tests.tenants.cluster import cluster, wait_for

DEALS = [SeedDeal("d0"), SeedDeal("d1", budget="confirmed"), SeedDeal("d2", owner="kim")]


def measure(tenants: int, workers: int, delay: float, window: float) -> float:
    """Cycles per minute of `workers` workers over `tenants` tenants."""

    def slow(_: Request) -> Response | None:
        time.sleep(delay)
        return None

    with (
        postgres_schema() as url,
        tempfile.TemporaryDirectory() as tmp,
        cluster(url, Path(tmp), tenants, DEALS, lease_seconds=10.0) as running,
    ):
        for crm in running.crms.values():
            crm.app.before.append(slow)
        for _ in range(workers):
            running.start_worker()

        def warm() -> bool:
            try:
                return all(s == "ok" for s in running.statuses().values()) and len(
                    running.statuses()
                ) == len(running.crms)
            except Exception:
                return False

        wait_for("a first cycle of every tenant", warm, timeout=300)
        [(start,)] = running.sql("SELECT clock_timestamp()")
        time.sleep(window)
        [(end,)] = running.sql("SELECT clock_timestamp()")
        [(done,)] = running.sql(
            "SELECT count(*) FROM run WHERE status = 'ok' AND finished_at > %s "
            "AND finished_at <= %s",
            (start, end),
        )
        seconds = float((end - start).total_seconds())
        return float(done) * 60.0 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay", type=float, default=0.05, help="seconds added to each answer")
    parser.add_argument("--window", type=float, default=30.0, help="seconds counted")
    args = parser.parse_args()
    print(
        f"{args.tenants} sandbox tenants, {args.delay * 1000:.0f} ms added to every answer, "
        f"poll 1 s, {args.window:.0f} s counted"
    )
    print(f"{'workers':>7}  {'cycles/min':>10}  {'ratio':>5}")
    base: float | None = None
    for n in args.workers:
        rate = measure(args.tenants, n, args.delay, args.window)
        base = base or rate
        print(f"{n:>7}  {rate:>10.0f}  {rate / base:>5.2f}", flush=True)


if __name__ == "__main__":
    main()
