"""Benchmark: load 100,000 generated deals into the HubSpot sandbox and list them via the client.

    .venv/bin/python -m bench.sandbox_hubspot [--deals N] [--contacts-per-deal K]

Prints the load time, the time to page through every deal with hubspot-api-client (100 a page,
as the list endpoint allows), and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from hubspot import HubSpot

import sandbox.hubspot


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--contacts-per-deal", type=int, default=3)
    parser.add_argument("--tasks-per-deal", type=int, default=1)
    args = parser.parse_args(argv)

    baseline = peak_rss_mb()
    with sandbox.hubspot.start(seed=None) as hs:
        began = time.perf_counter()
        hs.store.generate(args.deals, args.contacts_per_deal, args.tasks_per_deal)
        loaded = time.perf_counter() - began
        print(
            f"load: {args.deals:,} deals, {args.deals * args.contacts_per_deal:,} contacts, "
            f"{args.deals * args.tasks_per_deal:,} tasks in {loaded:.1f} s "
            f"(peak RSS {peak_rss_mb():.0f} MiB, {peak_rss_mb() - baseline:.0f} MiB for data)"
        )

        client = HubSpot(access_token=hs.token, host=hs.url, client_side_validation=True)
        deals = client.crm.deals.basic_api
        began = time.perf_counter()
        seen, pages, after = 0, 0, None
        while True:
            page = deals.get_page(limit=100, after=after, properties=["dealname", "dealstage"])
            seen += len(page.results)
            pages += 1
            if page.paging is None:
                break
            after = page.paging.next.after
        listed = time.perf_counter() - began
        print(
            f"list: {seen:,} deals in {pages:,} pages in {listed:.1f} s "
            f"({seen / listed:,.0f} deals/s, {listed / pages * 1000:.1f} ms/page)"
        )
        assert seen == args.deals, f"listed {seen} of {args.deals} deals"
    print(f"peak RSS: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
