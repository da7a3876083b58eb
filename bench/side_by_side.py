"""dealgate beside the bare client library: the same requests, the same server, one run.

    python -m bench.side_by_side [--deals 10000 100000] [--crm salesforce hubspot] [--runs 3]

For each CRM and size a sandbox runs in a process of its own, loaded with `store.generate(n)`
(3 contacts and 1 task per deal). Four runs follow, each in a fresh worker process:

1. `dealgate audit --format json` (`sync.audit.run_audit`);
2. the bare client replaying exactly the requests the audit made, as the sandbox logged them:
   simple-salesforce `query_all_iter` for each query (it follows `nextRecordsUrl` itself), or
   hubspot-api-client's search, batch read and associations batch read (their raw JSON,
   `_preload_content=False`: building the generated models would cost the bare client more CPU
   than dealgate's whole run, a floor no one would pay), touching every record;
   other requests (describes, pipelines, owners) through the library's plain request helper;
3. a full write cycle (`Engine.run_cycle(full=True)`, a fresh state file);
4. the bare client replaying the cycle's requests, its task writes included.

Wall time is `time.perf_counter`, CPU is `time.process_time` of the worker process (every thread
of it, the read-ahead thread included; the sandbox's own CPU is in its own process and is not
counted). The HubSpot sandbox advertises a rate limit no run reaches (`bench.audit.UNTHROTTLED`):
under HubSpot's real 190 requests per 10 s dealgate waits for its slots, which the bare
client, sending as fast as it can, does not. On a shared machine CPU seconds are the robust
figure; wall seconds move with the
load of the other processes.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bench.audit import UNTHROTTLED, Endpoint, sandbox_server, settings_for


@dataclass(frozen=True)
class Logged:
    """One request as the sandbox received it."""

    method: str
    path: str
    query: str
    route: str
    body: bytes


@dataclass(frozen=True)
class Cost:
    wall: float
    cpu: float
    records: int = 0  # bare client: records touched; dealgate: deals read


def _serve(crm: str, deals: int, conn: Connection) -> None:
    """Server process: a sandbox with `deals` generated deals. Commands: "log" (send the
    requests logged since the last "log" and forget them), "stop"."""
    if crm == "salesforce":
        from sandbox import salesforce

        with salesforce.start(seed=None, api_limit=10_000_000) as sf:
            sf.store.generate(deals, seed=1)
            conn.send(Endpoint(crm, sf.url, sf.token, str(sf.ca_file)))
            _answer(sf.app, conn)
    else:
        import sandbox.hubspot

        with sandbox.hubspot.start(seed=None, rate_limit=UNTHROTTLED) as hs:
            hs.store.generate(deals, seed=1)
            conn.send(Endpoint(crm, hs.url, hs.token, None))
            _answer(hs.app, conn)


def _answer(app: Any, conn: Connection) -> None:
    while (command := conn.recv()) != "stop":
        if command == "log":
            entries = [Logged(r.method, r.path, r.query, r.route, r.body) for r in app.log]
            app.reset_log()
            conn.send(entries)


def _quiet() -> None:
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))


def _dealgate(endpoint: Endpoint, what: str, conn: Connection) -> None:
    """Worker: one dealgate audit or full cycle; sends back its Cost."""
    _quiet()
    from state.base import open_store
    from sync.audit import load_rules, run_audit
    from sync.engine import Engine
    from sync.factory import build_connector

    with tempfile.TemporaryDirectory(prefix="dealgate-bench-") as temp:
        base = Path(temp)
        settings = settings_for(endpoint, base, state=f"sqlite:///{base / 'state.db'}")
        connector = build_connector(settings)
        wall, cpu = time.perf_counter(), time.process_time()
        if what == "audit":
            run_audit(
                settings,
                connector,
                pipeline=None,
                phase=None,
                owner=None,
                fmt="json",
                output=base / "audit.json",
                strict=False,
                progress=False,
                out=io.StringIO(),
            )
            deals = 0
        else:
            mapping, catalog = load_rules(settings)
            store = open_store(settings.state_path)
            try:
                engine = Engine(settings, connector, store, mapping=mapping, catalog=catalog)
                report = engine.run_cycle(full=True)
            finally:
                store.close()
            deals = report.deals_read
        conn.send(Cost(time.perf_counter() - wall, time.process_time() - cpu, deals))


def _bare(endpoint: Endpoint, requests: list[Logged], conn: Connection) -> None:
    """Worker: the bare client library sending `requests`; sends back its Cost."""
    replay = _bare_salesforce if endpoint.crm == "salesforce" else _bare_hubspot
    wall, cpu = time.perf_counter(), time.process_time()
    touched = replay(endpoint, requests)
    conn.send(Cost(time.perf_counter() - wall, time.process_time() - cpu, touched))


def _bare_salesforce(endpoint: Endpoint, requests: list[Logged]) -> int:
    import requests as http
    from simple_salesforce.api import Salesforce

    session = http.Session()
    session.verify = endpoint.ca_file or True
    session.trust_env = False
    version = next(
        (r.path.split("/")[3][1:] for r in requests if r.path.startswith("/services/data/v")),
        "59.0",
    )
    sf = Salesforce(
        session_id=endpoint.token, instance_url=endpoint.url, version=version, session=session
    )
    touched = 0
    for request in requests:
        if request.route in {"query", "queryAll"}:
            soql = parse_qs(request.query)["q"][0]
            for record in sf.query_all_iter(soql, include_deleted=request.route == "queryAll"):
                touched += len(record)
        elif request.route == "query.more":
            continue  # query_all_iter follows nextRecordsUrl itself
        else:
            url = endpoint.url + request.path + (f"?{request.query}" if request.query else "")
            answer = session.request(
                request.method, url, headers=sf.headers, data=request.body or None, timeout=300
            )
            touched += len(answer.json() or ())
    return touched


# The generated methods as HubSpot's own docs call them, minus the generated models: building a
# model per record costs more CPU than dealgate's whole pipeline, so the floor is raw JSON.
RAW = {"_preload_content": False}


def _touch(response: Any, key: str) -> int:
    """Parse an answer's JSON and touch every record's `key`; the number of values touched."""
    answer = json.loads(response.data)
    response.release_conn()
    return sum(len(result.get(key) or ()) for result in answer.get("results") or [])


def _bare_hubspot(endpoint: Endpoint, requests: list[Logged]) -> int:
    from hubspot import HubSpot

    client = HubSpot(access_token=endpoint.token, host=endpoint.url)
    objects = {
        "deals": client.crm.deals,
        "contacts": client.crm.contacts,
        "tasks": client.crm.objects.tasks,
    }
    touched = 0
    for request in requests:
        parts = request.path.strip("/").split("/")
        body = json.loads(request.body) if request.body else None
        if request.route.endswith(".search"):
            answer = objects[parts[3]].search_api.do_search(
                public_object_search_request=body, **RAW
            )
            touched += _touch(answer, "properties")
        elif request.route.endswith(".batch_read") and parts[1] == "v3":
            answer = objects[parts[3]].batch_api.read(
                batch_read_input_simple_public_object_id=body, **RAW
            )
            touched += _touch(answer, "properties")
        elif request.route == "associations.batch_read":
            answer = client.crm.associations.v4.batch_api.get_page(
                parts[3], parts[4], batch_input_public_fetch_associations_batch_request=body, **RAW
            )
            touched += _touch(answer, "to")
        else:
            path = request.path + (f"?{request.query}" if request.query else "")
            options: dict[str, Any] = {
                "method": request.method,
                "path": path,
                "base_url": endpoint.url,
            }
            if body is not None:
                options["body"] = body
            touched += len(client.api_request(options).content)
    return touched


def _in_process(target: Any, *args: Any) -> Any:
    """Run `target(*args, conn)` in a fresh process and return what it sends."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(*args, theirs))
    process.start()
    theirs.close()  # a worker that dies sends EOF instead of leaving us waiting
    try:
        return ours.recv()
    finally:
        process.join(timeout=600)


@dataclass(frozen=True)
class Row:
    crm: str
    deals: int
    run: str
    dealgate: Cost
    bare: Cost
    dealgate_requests: int
    bare_requests: int


def measure(crm: str, deals: int, runs: int = 1) -> list[Row]:
    """The audit and the full cycle of `deals` generated deals, each beside its bare replay;
    with `runs` > 1 each pair runs that many times (alternating) and the medians are kept."""
    rows: list[Row] = []
    with sandbox_server(crm, deals, _serve) as (endpoint, ours):
        for run in ("audit", "cycle"):
            ours_costs: list[Cost] = []
            bare_costs: list[Cost] = []
            for _ in range(runs):
                ours.send("log")
                ours.recv()  # forget anything before the run
                ours_costs.append(_in_process(_dealgate, endpoint, run))
                ours.send("log")
                logged: list[Logged] = ours.recv()
                bare_costs.append(_in_process(_bare, endpoint, logged))
                ours.send("log")
                replayed: list[Logged] = ours.recv()
            rows.append(
                Row(
                    crm,
                    deals,
                    run,
                    _median(ours_costs),
                    _median(bare_costs),
                    len(logged),
                    len(replayed),
                )
            )
    return rows


def _median(costs: list[Cost]) -> Cost:
    """Each figure's median over the runs (wall and CPU taken apart)."""
    return Cost(
        statistics.median(c.wall for c in costs),
        statistics.median(c.cpu for c in costs),
        costs[0].records,
    )


def table(rows: list[Row]) -> str:
    """A markdown table of the rows."""
    lines = [
        "| CRM | deals | run | requests (dealgate / bare) | dealgate wall s | bare wall s "
        "| wall ratio | dealgate CPU s | bare CPU s | CPU ratio |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.crm} | {r.deals:,} | {r.run} | {r.dealgate_requests} / {r.bare_requests} "
            f"| {r.dealgate.wall:.1f} | {r.bare.wall:.1f} | {r.dealgate.wall / r.bare.wall:.2f} "
            f"| {r.dealgate.cpu:.1f} | {r.bare.cpu:.1f} | {r.dealgate.cpu / r.bare.cpu:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dealgate beside the bare client library.")
    parser.add_argument("--deals", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--crm", nargs="+", choices=("salesforce", "hubspot"), default=["salesforce", "hubspot"]
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of each pair; medians kept")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for crm in args.crm:
        for deals in args.deals:
            measured = measure(crm, deals, args.runs)
            rows.extend(measured)
            for row in measured:
                print(table([row]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
