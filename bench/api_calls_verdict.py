"""API calls of the verdict writes (docs/design.md section 5), for both CRMs, through the engine.

    python -m bench.api_calls --verdict-deals 1000 --verdict-changed 250

Runs real sync cycles (`verdict.enabled`, no new tasks) against the sandbox with generated
deals and counts the deal-update requests the sandbox received: the first cycle writes every deal
in scope; a full cycle with nothing changed writes nothing; after K deals' evidence changed, an
incremental cycle writes those K; the cycle after it, which reads them back, writes nothing.
Minimum: ceil(N / 200) sObject Collections calls on Salesforce, ceil(N / 100) batch updates on
HubSpot, for N deals written.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

import sandbox.hubspot
import sandbox.salesforce
from connector.base import Connector
from connector.hubspot import HubSpotConnector
from connector.salesforce import SalesforceConnector
from gates import load_catalog
from mappings import load_mapping
from state.sqlite import SqliteStateStore
from sync.config import Settings, parse_settings
from sync.engine import Engine

BATCH = {"salesforce": 200, "hubspot": 100}
SELLING = {"discovery", "define", "decision"}


@dataclass(frozen=True)
class Row:
    operation: str
    deals_written: int
    calls: int
    minimum: int


@dataclass
class _Org:
    crm: str
    app: Any
    store: Any
    config: str
    phase_field: str
    qualification_field: str

    def update_calls(self) -> int:
        """Deal-update requests in the sandbox log since it was reset."""
        if self.crm == "hubspot":
            pattern = re.compile(r"/crm/v3/objects/deals/batch/update$")
            return sum(1 for r in self.app.writes() if pattern.search(r.path))
        return sum(
            1
            for r in self.app.writes()
            if r.method == "PATCH" and b'"Opportunity"' in r.body and "composite/sobjects" in r.path
        )

    def deal_ids(self) -> list[str]:
        if self.crm == "hubspot":
            return [str(i) for i in self.store.ids("deals")]
        return [str(r["Id"]) for r in self.store.records("Opportunity") if not r["IsDeleted"]]

    def field(self, deal_id: str, name: str) -> Any:
        if self.crm == "hubspot":
            return self.store.get("deals", deal_id).get(name)
        return (self.store.get("Opportunity", deal_id) or {}).get(name)

    def set_qualification(self, deal_id: str, value: str) -> None:
        if self.crm == "hubspot":
            self.store.update("deals", deal_id, {self.qualification_field: value})
        else:
            self.store.update("Opportunity", deal_id, {self.qualification_field: value})


@contextmanager
def _org(crm: str, n_deals: int, folder: Path) -> Iterator[_Org]:
    common = (
        f"state: sqlite:///{folder / 'state.db'}\n"
        "tasks: {max_new_per_owner: 0}\nverdict: {enabled: true}\n"
    )
    if crm == "hubspot":
        with sandbox.hubspot.start(seed="demo") as hs:
            hs.store.generate(n_deals, 3, 1)
            config = (
                f"crm: hubspot\nhubspot: {{access_token: {hs.token}, base_url: '{hs.url}', "
                "requests_per_10s: 1000000, searches_per_second: 1000000}\n"
            )
            yield _Org(crm, hs.app, hs.store, config + common, "dealgate_phase",
                       "dealgate_qualification")  # fmt: skip
        return
    with sandbox.salesforce.start(seed=None) as sf:
        sf.store.generate(n_deals, contacts_per_deal=3, tasks_per_deal=1)
        config = (
            f"crm: salesforce\nsalesforce: {{instance_url: '{sf.url}', auth: {{session_id: "
            f"{sf.token}}}, ca_bundle: '{sf.ca_file}'}}\n"
        )
        yield _Org(crm, sf.app, sf.store, config + common, "Dealgate_Phase__c",
                   "Qualification__c")  # fmt: skip


def _connector(settings: Settings) -> Connector:
    if settings.crm == "hubspot":
        return HubSpotConnector(settings.hubspot)
    return SalesforceConnector(settings.salesforce)


def run(crm: str, n_deals: int, n_changed: int) -> list[Row]:
    """The four verdict rows for `crm`."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="dealgate-bench-") as folder,
        _org(crm, n_deals, Path(folder)) as org,
    ):
        settings = parse_settings(org.config, base_dir=Path(folder))
        store = SqliteStateStore(settings.state_path)
        engine = Engine(
            settings, _connector(settings), store,
            mapping=load_mapping(crm), catalog=load_catalog(),
        )  # fmt: skip

        def measure(label: str, cycle: Callable[[], Any]) -> None:
            org.app.reset_log()
            report = cycle()
            written = report.verdicts_written
            rows.append(Row(label, written, org.update_calls(), math.ceil(written / BATCH[crm])))

        try:
            measure("first cycle: every deal in scope", lambda: engine.run_cycle())
            measure("full cycle, nothing changed", lambda: engine.run_cycle(full=True))
            selling = [d for d in org.deal_ids() if org.field(d, org.phase_field) in SELLING]
            # qualification_decided depends on that field alone and applies to every selling
            # deal, so the toggle flips one gate of each: every changed deal's verdict changes.
            # It passes on pursue, and on an empty value past discovery (implied by the stage).
            for deal_id in selling[:n_changed]:
                now = org.field(deal_id, org.qualification_field)
                past = org.field(deal_id, org.phase_field) != "discovery"
                passes = now == "pursue" or (not now and past)
                org.set_qualification(deal_id, "pending" if passes else "pursue")
            changed = min(n_changed, len(selling))
            measure(f"incremental cycle, {changed} deals' evidence changed",
                    lambda: engine.run_cycle())  # fmt: skip
            measure("incremental cycle reading them back (the echo)", lambda: engine.run_cycle())
        finally:
            store.close()
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| verdict writes | deals written | deal-update calls | minimum |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r.operation} | {r.deals_written} | {r.calls} | {r.minimum} |" for r in rows]
    return "\n".join(lines)
