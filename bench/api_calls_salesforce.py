"""API calls of the Salesforce connector beside the minimum the API allows (docs/design.md 4).

    python -m bench.api_calls --crm salesforce [--deals 10000] [--tasks 1000]

Runs the sandbox org with generated deals (3 contact roles and 1 task each), counts the requests
the sandbox received for a full read, an incremental cycle with nothing changed and a batch of
task writes, and prints a markdown table. Minimums: a read costs ceil(rows / 2000) pages, child
rows counted; an idle cycle one call per object read; writes ceil(M / 200) collections calls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import SecretStr

from connector.base import Priority, RawDeal, TaskCreate
from connector.salesforce import SalesforceConnector
from mappings import load_mapping
from sandbox.salesforce import SalesforceSandbox, start
from sync.config import SalesforceAuth, SalesforceSettings

PAGE_ROWS = 2000
BATCH_RECORDS = 200
OBJECTS_READ = 4  # Opportunity (changes and deletions), OpportunityContactRole, Task, Contact
# What `dealgate run` and `dealgate audit` ask for: the bundled salesforce mapping's fields.
SPEC = load_mapping("salesforce").read_spec(closed_task_days=14)


@dataclass(frozen=True)
class Row:
    operation: str
    size: str
    calls: int
    minimum: int
    seconds: float

    @property
    def ratio(self) -> float:
        return self.calls / self.minimum if self.minimum else float("inf")


def connector_for(
    org: SalesforceSandbox, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> SalesforceConnector:
    settings = SalesforceSettings(
        instance_url=org.url,
        auth=SalesforceAuth(method="session", session_id=SecretStr(org.token)),
        ca_bundle=org.ca_file,
    )
    return SalesforceConnector(settings, now=now)


def query_rows(org: SalesforceSandbox) -> int:
    """Rows a full deal query returns: deals plus their contact roles and selected tasks."""
    today = org.store.today()
    rows = 0
    for name in ("Opportunity", "OpportunityContactRole"):
        rows += sum(1 for r in org.store.records(name) if not r["IsDeleted"])
    for task in org.store.records("Task"):
        completed = task["CompletedDateTime"]
        recent = completed is not None and completed.date() >= today - timedelta(days=14)
        if not task["IsDeleted"] and (not task["IsClosed"] or recent):
            rows += 1
    return rows


def measure(
    org: SalesforceSandbox, label: str, size: str, minimum: int, run: Callable[[], object]
) -> Row:
    org.app.reset_log()
    began = time.perf_counter()
    run()
    return Row(label, size, org.app.requests, minimum, time.perf_counter() - began)


def consume(deals: Iterable[RawDeal]) -> int:
    return sum(1 for _ in deals)


def run(n_deals: int, n_tasks: int) -> list[Row]:
    with start(seed=None) as org:
        deal_ids = org.store.generate(n_deals, contacts_per_deal=3, tasks_per_deal=1)
        rows = query_rows(org)
        pages = math.ceil(rows / PAGE_ROWS)
        # The generated deals all changed a moment ago; a real org's full read meets deals that
        # changed hours or days before. Move the org's clock past the lookback window so the
        # incremental row measures a quiet cycle, not a re-read of the freshly generated data.
        later = datetime.now(UTC) + timedelta(minutes=30)
        org.store.now = lambda: later
        connector = connector_for(org, now=lambda: later)
        full = connector.read_all(SPEC)
        results = [
            measure(
                org,
                "full read (read_all; its cursor starts the incremental reads)",
                f"{n_deals:,} deals, {rows:,} rows",
                pages,
                lambda: consume(full),
            ),
            measure(
                org,
                "incremental cycle after the full read, nothing changed",
                f"{OBJECTS_READ} objects",
                OBJECTS_READ,
                lambda: consume(connector.read_changed(SPEC, full.cursor)),
            ),
        ]
        owners = {d.id: str(d.fields["OwnerId"]) for d in connector.read_all(SPEC)}
        due = date.today() + timedelta(days=3)
        creates = [
            TaskCreate(
                deal,
                "budget_confirmed",
                owners[deal],
                "Confirm the budget",
                "Ask who holds the budget and whether it is approved.",
                due,
                Priority.HIGH,
            )
            for deal in deal_ids[:n_tasks]
        ]
        results.append(
            measure(
                org,
                "write tasks (sObject Collections)",
                f"{len(creates):,} tasks",
                math.ceil(len(creates) / BATCH_RECORDS),
                lambda: connector.write(creates, []),
            )
        )
    return results


def table(results: list[Row]) -> str:
    lines = [
        "| operation | size | API calls | minimum | calls / minimum | seconds |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in results:
        lines.append(
            f"| {row.operation} | {row.size} | {row.calls} | {row.minimum} | "
            f"{row.ratio:.2f} | {row.seconds:.1f} |"
        )
    return "\n".join(lines)
