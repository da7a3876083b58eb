"""API calls of the HubSpot connector beside the minimum the API allows (docs/design.md section 4).

    python -m bench.api_calls --crm hubspot [--deals 10000] [--tasks 1000]

Runs the HubSpot sandbox with generated deals (3 contacts and 1 open task each), counts the
requests the sandbox received for a full read, an incremental cycle with nothing changed and a
batch of task creates, and prints a markdown table. Minimums: a full read costs ceil(N / 200)
search pages, ceil(N / 1000) association reads per association type, ceil(contacts / 100) and
ceil(tasks / 100) batch reads; an idle cycle one call per object polled (deals, contacts, tasks,
archived deals); writes ceil(M / 100) batch creates.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import SecretStr

from connector.base import Priority, TaskCreate
from connector.hubspot import HubSpotConnector
from mappings import load_mapping
from sandbox.hubspot import HubSpotSandbox, start
from sync.config import HubSpotSettings

CONTACTS_PER_DEAL = 3
TASKS_PER_DEAL = 1
OBJECTS_POLLED = 4  # deals, contacts, tasks (searches) and archived deals (list)
# What `dealgate run` and `dealgate audit` ask for: the bundled hubspot mapping's fields.
SPEC = load_mapping("hubspot").read_spec(closed_task_days=14)


@dataclass(frozen=True)
class Row:
    what: str
    calls: int
    minimum: int
    seconds: float
    detail: str

    @property
    def over(self) -> str:
        return f"{(self.calls - self.minimum) / self.minimum:+.1%}" if self.minimum else "n/a"


def _measure(hs: HubSpotSandbox, action: Callable[[], object]) -> tuple[int, float, Counter[str]]:
    hs.app.reset_log()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    counts = hs.app.counts()
    return sum(counts.values()), seconds, counts


def _detail(counts: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.most_common())


def run(n_deals: int, n_tasks: int) -> list[Row]:
    """Measure the three operations on a fresh sandbox; one table row each."""
    rows: list[Row] = []
    with start(seed="demo") as hs:
        demo_deals = hs.store.count("deals")
        hs.store.generate(n_deals, CONTACTS_PER_DEAL, TASKS_PER_DEAL)
        deals = hs.store.count("deals")
        deal_ids = [int(i) for i in hs.store.ids("deals")]
        contacts = sum(len(hs.store.linked("deals", i, "contacts")) for i in deal_ids)
        tasks = sum(len(hs.store.linked("deals", i, "tasks")) for i in deal_ids)
        settings = HubSpotSettings(
            access_token=SecretStr(hs.token),
            base_url=hs.url,
            requests_per_10s=1_000_000,  # the sandbox has no limit: count calls, not waits
            searches_per_second=1_000_000.0,
        )
        connector = HubSpotConnector(settings, now=lambda: hs.store.now())
        stream = connector.read_all(SPEC)
        calls, seconds, counts = _measure(hs, lambda: sum(1 for _ in stream))
        minimum = (
            math.ceil(deals / 200)
            + 2 * math.ceil(deals / 1000)
            + math.ceil(contacts / 100)
            + math.ceil(tasks / 100)
        )
        rows.append(
            Row(
                f"full read, {deals:,} deals ({demo_deals} demo), {contacts:,} contact links, "
                f"{tasks:,} tasks",
                calls,
                minimum,
                seconds,
                _detail(counts) + " (3 searches take the incremental cursor marks)",
            )
        )
        cursor = stream.cursor
        idle = connector.read_changed(SPEC, cursor)
        calls, seconds, counts = _measure(hs, lambda: sum(1 for _ in idle))
        rows.append(
            Row(
                "incremental cycle right after the read, nothing changed",
                calls,
                OBJECTS_POLLED,
                seconds,
                _detail(counts) + " (deals modified within the lookback window are paged "
                "through again, not re-read)",
            )
        )
        hs.store.set_time(hs.store.now() + timedelta(minutes=settings.lookback_minutes + 1))
        settling = connector.read_changed(SPEC, idle.cursor)  # the first poll past the window
        sum(1 for _ in settling)
        steady = connector.read_changed(SPEC, settling.cursor)
        calls, seconds, counts = _measure(hs, lambda: sum(1 for _ in steady))
        rows.append(
            Row(
                "idle incremental cycle (steady state)",
                calls,
                OBJECTS_POLLED,
                seconds,
                _detail(counts),
            )
        )

        owner = hs.store.active_owner_ids()[0]
        ids = hs.store.ids("deals")[:n_tasks]
        due = date.today() + timedelta(days=3)
        creates = [
            TaskCreate(
                d, "budget_confirmed", owner, "Confirm the budget", "Ask.", due, Priority.HIGH
            )
            for d in ids
        ]
        calls, seconds, counts = _measure(hs, lambda: connector.write(creates, []))
        rows.append(
            Row(
                f"write {len(creates):,} tasks",
                calls,
                math.ceil(len(creates) / 100),
                seconds,
                _detail(counts) + " (the association type is read once per process)",
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    lines = [
        "| operation | API calls | minimum | over minimum | seconds | calls by endpoint |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.what} | {row.calls:,} | {row.minimum:,} | {row.over} | "
            f"{row.seconds:.1f} | {row.detail} |"
        )
    return "\n".join(lines)
