"""How the Salesforce sandbox copes with a large org: load 100,000 generated deals (with
300,000 contacts and contact roles and 100,000 tasks), then page through them with
simple-salesforce's query_all_iter, child subqueries included.

    .venv/bin/python -m bench.sandbox_salesforce [--deals N]

Prints load time, paging time, pages fetched and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time

import requests
from simple_salesforce.api import Salesforce

from sandbox import salesforce

SOQL = (
    "SELECT Id, Name, StageName, OwnerId, Owner.IsActive, Amount, CloseDate, SystemModstamp, "
    "Budget_Status__c, Approval_Status__c, "
    "(SELECT ContactId, Role, Stance__c, Contact.LastActivityDate FROM OpportunityContactRoles), "
    "(SELECT Id, Status, IsClosed FROM Tasks WHERE IsClosed = false) "
    "FROM Opportunity ORDER BY SystemModstamp, Id"
)


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    args = parser.parse_args()
    baseline = peak_rss_mb()
    with salesforce.start(seed=None) as sandbox:
        started = time.perf_counter()
        sandbox.store.generate(args.deals, contacts_per_deal=3, tasks_per_deal=1, seed=0)
        loaded = time.perf_counter() - started
        after_load = peak_rss_mb()
        session = requests.Session()
        session.verify = sandbox.ca_file
        session.trust_env = False
        sf = Salesforce(instance_url=sandbox.url, session_id=sandbox.token, session=session)
        started = time.perf_counter()
        rows = sum(1 for _ in sf.query_all_iter(SOQL))
        paged = time.perf_counter() - started
        pages = sandbox.app.counts()
    print(f"deals generated:      {args.deals:,} in {loaded:.1f} s")
    print(f"peak RSS after load:  {after_load:.0f} MiB (baseline {baseline:.0f} MiB)")
    print(
        f"rows paged:           {rows:,} in {paged:.1f} s "
        f"({pages['query']} query + {pages['query.more']} query.more requests)"
    )
    print(f"peak RSS overall:     {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
