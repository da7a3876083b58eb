"""Failover with real processes: three `dealgate serve` workers share twelve sandbox tenants
(HubSpot and Salesforce) on one PostgreSQL state.

A worker killed in the middle of a write batch has its tenants taken over within the lease plus
one poll, and the CRMs end with exactly the expected tasks, none twice. A worker paused past its
lease and woken up after the takeover writes nothing, neither to a CRM nor to the state. SIGTERM
hands a worker's tenants back at once.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.sync.sandboxes import SeedDeal
from tests.tenants.cluster import Cluster, Gate, cluster, wait_for

LEASE = 4.0  # seconds; a worker polls every quarter of it
POLL = LEASE / 4
TENANTS = 12
DEALS = [
    SeedDeal("d0", budget="confirmed"),
    SeedDeal("d1", budget="confirmed"),
    SeedDeal("d2", owner="kim", budget="confirmed"),
]
# once the test takes back the budgets of d0 and d2: one task each, in every tenant
EXPECTED = [("d0", "budget_confirmed", "sato"), ("d2", "budget_confirmed", "kim")]
READS = r"/crm/v3/objects/deals/search$|/query/?$|/queryAll/?$"


@pytest.fixture
def three(postgres_url: str, tmp_path: Path) -> Iterator[Cluster]:
    """Three workers, balanced (four tenants each), every tenant through a first cycle that
    wrote nothing; a broken tenant file beside them."""
    broken = {"broken.yaml": "crm: hubspot\nhubspot: {base_url: 12}\n"}
    with cluster(
        postgres_url, tmp_path, TENANTS, DEALS, lease_seconds=LEASE, extra_files=broken
    ) as running:
        pids = [running.start_worker().pid for _ in range(3)]
        wait_for("three balanced workers", lambda: running.balanced(pids))
        assert all(crm.app.writes() == [] for crm in running.crms.values())
        yield running


def unconfirm_budgets(running: Cluster) -> None:
    for crm in running.crms.values():
        crm.set_budget("d0", "estimated")
        crm.set_budget("d2", "estimated")


def test_a_killed_worker_is_replaced_within_the_lease_and_no_task_is_written_twice(
    three: Cluster,
) -> None:
    workers = {w.pid: w for w in three.workers}
    assert "skipped broken.yaml" in next(iter(workers.values())).log.read_text()
    victim = max(workers, key=lambda pid: len(three.held_by(pid)))
    its_tenants = three.held_by(victim)
    epochs = {t: three.holders()[t][1] for t in its_tenants}
    gates = [Gate(three.crms[t], three.crms[t].write_path) for t in its_tenants]
    try:
        unconfirm_budgets(three)
        wait_for("a write batch in flight", lambda: any(g.arrived.is_set() for g in gates))
        os.kill(victim, signal.SIGKILL)  # mid-batch: intents stored, the request unanswered
        workers[victim].proc.wait(30)
    finally:
        for gate in gates:
            gate.release()  # the held request lands: the dead worker never hears of it
    survivors = [pid for pid in workers if pid != victim]
    took = wait_for(
        "every tenant held by a live worker",
        lambda: all(h in survivors for h, _ in three.holders().values()),
    )
    assert took <= LEASE + POLL + 3  # the lease, one poll, and slack for a loaded machine
    wait_for("the expected tasks in every tenant", lambda: three.all_tasks_as(EXPECTED))
    for tenant, crm in three.crms.items():
        assert crm.open_counts() == {"d0": 1, "d2": 1}, tenant  # no duplicate, marker or not
    assert {t: three.holders()[t][1] for t in its_tenants} == {
        t: e + 1 for t, e in epochs.items()
    }  # taken over once each
    # SIGTERM: the survivors hand every tenant back before they exit 0
    for pid in survivors:
        os.kill(pid, signal.SIGTERM)
    for pid in survivors:
        assert workers[pid].proc.wait(30) == 0
    assert all(h is None for h, _ in three.holders().values())
    assert three.sql("SELECT holder FROM lease WHERE holder IS NOT NULL") == []


def test_a_paused_worker_woken_after_the_takeover_writes_nothing(three: Cluster) -> None:
    workers = {w.pid: w for w in three.workers}
    victim = max(workers, key=lambda pid: len(three.held_by(pid)))
    its_tenants = three.held_by(victim)
    epochs = {t: three.holders()[t][1] for t in its_tenants}
    # hold the victim's next read in each of its tenants: it is mid-cycle, nothing written yet
    gates = {t: Gate(three.crms[t], READS) for t in its_tenants}
    try:
        wait_for("the victim reading", lambda: all(g.arrived.is_set() for g in gates.values()))
        os.kill(victim, signal.SIGSTOP)
        unconfirm_budgets(three)  # the held reads answer with deals that need tasks
    finally:
        for gate in gates.values():
            gate.release()
    wait_for(
        "the victim's tenants taken over",
        lambda: all(three.holders()[t][1] > epochs[t] for t in its_tenants),
    )
    wait_for("the expected tasks in every tenant", lambda: three.all_tasks_as(EXPECTED))
    writes_before = {t: len(three.crms[t].app.writes()) for t in its_tenants}
    # On waking, the worker's lease loop would soon see the takeover and stop its runners; hold
    # the loop on its heartbeat row so that only the fence stands between the runners and a write
    with psycopg.connect(three.url) as blocker:
        blocker.execute(
            "SELECT 1 FROM worker WHERE worker_id LIKE %s FOR UPDATE", (f"%:{victim}:%",)
        )
        os.kill(victim, signal.SIGCONT)
        wait_for(
            "the woken worker's cycles to be fenced",
            lambda: {e.get("tenant") for e in workers[victim].events()
                     if e.get("event") == "tenant_fenced"} >= set(its_tenants),
        )  # fmt: skip
        blocker.rollback()
    wait_for(
        "the woken worker to give its tenants up",
        lambda: {e.get("tenant") for e in workers[victim].events()
                 if e.get("event") == "tenant_stop"} >= set(its_tenants),
    )  # fmt: skip
    assert {t: len(three.crms[t].app.writes()) for t in its_tenants} == writes_before
    for tenant, crm in three.crms.items():
        assert crm.open_counts() == {"d0": 1, "d2": 1}, tenant
    # nor to the state: no intent, no snooze (the woken worker's stale read would have taken
    # the successor's new tasks for tasks a rep closed), only the successor's two open tasks
    ledger = three.sql(
        "SELECT tenant_id, state, count(*) FROM ledger WHERE tenant_id = ANY(%s) "
        "GROUP BY tenant_id, state ORDER BY tenant_id",
        (its_tenants,),
    )
    assert ledger == [(t, "open", 2) for t in its_tenants]
    assert three.sql("SELECT count(*) FROM snooze WHERE tenant_id = ANY(%s)", (its_tenants,)) == [
        (0,)
    ]
    assert workers[victim].proc.poll() is None  # alive, and holding nothing
    wait_for("the woken worker to hold nothing", lambda: three.held_by(victim) == [])
