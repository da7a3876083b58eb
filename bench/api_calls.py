"""API calls of a full audit, an idle incremental cycle, a write batch and the verdict writes,
for both CRMs.

Counts come from the sandbox's request log (every HTTP request the real client libraries made),
beside the theoretical minimum the API allows. Run: `python -m bench.api_calls [--deals N]
[--tasks M] [--crm salesforce|hubspot] [--verdict-deals N] [--verdict-changed K]`.
"""

from __future__ import annotations

import argparse

from bench import api_calls_hubspot, api_calls_salesforce, api_calls_verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--crm", choices=["salesforce", "hubspot", "both"], default="both")
    parser.add_argument("--verdict-deals", type=int, default=1_000)
    parser.add_argument("--verdict-changed", type=int, default=250)
    args = parser.parse_args()
    if args.crm in {"salesforce", "both"}:
        print(f"## Salesforce: {args.deals:,} deals, 3 contact roles and 1 open task each\n")
        print(api_calls_salesforce.table(api_calls_salesforce.run(args.deals, args.tasks)))
        print()
    if args.crm in {"hubspot", "both"}:
        print(f"## HubSpot: {args.deals:,} deals, 3 contacts and 1 open task each\n")
        print(api_calls_hubspot.table(api_calls_hubspot.run(args.deals, args.tasks)))
        print()
    for crm in ("salesforce", "hubspot"):
        if args.crm in {crm, "both"}:
            name = "Salesforce" if crm == "salesforce" else "HubSpot"
            print(f"## {name} verdict: {args.verdict_deals:,} generated deals\n")
            rows = api_calls_verdict.run(crm, args.verdict_deals, args.verdict_changed)
            print(api_calls_verdict.table(rows))
            print()


if __name__ == "__main__":
    main()
