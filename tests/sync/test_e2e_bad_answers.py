"""Bad or empty CRM answers never close tasks and never make one twice, on both sandbox CRMs
over real HTTP: a read without its records fails the cycle naming the request; a read that
suddenly returns nothing stops the cycle; a write answer that cannot be read is no refusal."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.errors import UnexpectedAnswer
from sandbox.http import Request, Response
from sync.vanished import ImplausibleRead
from tests.sync.sandboxes import SandboxCRM, SeedDeal, open_tasks, start
from tests.sync.test_e2e import Run

DEALS = [SeedDeal("d0"), SeedDeal("d1", budget="confirmed"), SeedDeal("d2", owner="kim")]
TWO_TASKS = [("d0", "budget_confirmed", "sato"), ("d2", "budget_confirmed", "kim")]
DEAL_READ = {"salesforce": r"/query(All)?/?$", "hubspot": r"/crm/v3/objects/deals/search$"}
CREATE = {"salesforce": r"/composite/sobjects/?$", "hubspot": r"/tasks/batch/create$"}
BAD_READS = {
    "salesforce": [b"{}", b"null", b'{"totalSize": 3, "done": true, "records": []}'],
    "hubspot": [b"{}", b"null", b'{"total": 3, "results": []}'],
}
EMPTY_READ = {
    "salesforce": b'{"totalSize": 0, "done": true, "records": []}',
    "hubspot": b'{"total": 0, "results": []}',
}


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest) -> Iterator[SandboxCRM]:
    with start(request.param, DEALS) as running:
        yield running


def answer_reads(crm: SandboxCRM, body: bytes) -> None:
    """From now on, answer every deal read with `200 body`."""
    pattern = re.compile(DEAL_READ[crm.crm])

    def hook(request: Request) -> Response | None:
        return Response(200, body) if pattern.search(request.path) else None

    crm.app.before.insert(0, hook)


@pytest.mark.parametrize("nth", [0, 1, 2])
def test_a_full_read_without_its_records_fails_the_cycle_and_closes_nothing(
    crm: SandboxCRM, tmp_path: Path, nth: int
) -> None:
    run = Run(crm, tmp_path)
    try:
        assert run.engine.run_cycle().tasks_created == 2
        answer_reads(crm, BAD_READS[crm.crm][nth])
        crm.app.reset_log()
        with pytest.raises(UnexpectedAnswer, match=r"deals search|query on"):
            run.engine.run_cycle(full=True)
        assert crm.app.writes() == [] and open_tasks(crm) == TWO_TASKS
        crm.app.before.pop(0)
        later = run.engine.run_cycle(full=True)
        assert (later.tasks_created, later.tasks_completed) == (0, 0)
        assert open_tasks(crm) == TWO_TASKS
    finally:
        run.close()


def test_a_full_read_that_suddenly_returns_no_deal_stops_the_cycle(
    crm: SandboxCRM, tmp_path: Path
) -> None:
    run = Run(crm, tmp_path)
    try:
        run.engine.run_cycle()
        answer_reads(crm, EMPTY_READ[crm.crm])  # e.g. the integration user lost "View All"
        crm.app.reset_log()
        with pytest.raises(ImplausibleRead, match="returned 0 deal"):
            run.engine.run_cycle(full=True)
        assert crm.app.writes() == [] and open_tasks(crm) == TWO_TASKS
        crm.app.before.pop(0)
        assert run.engine.run_cycle(full=True).tasks_created == 0
        assert open_tasks(crm) == TWO_TASKS
    finally:
        run.close()


@pytest.mark.parametrize("unreadable", [b"null", b"{}"], ids=["null", "object"])
def test_a_create_answer_that_cannot_be_read_is_no_refusal(
    crm: SandboxCRM, tmp_path: Path, unreadable: bytes
) -> None:
    pattern = re.compile(CREATE[crm.crm])
    rewritten: list[str] = []

    def garble(request: Request, response: Response) -> None:
        # the tasks are created; only the answer is lost (HubSpot answering 200 null)
        if request.method == "POST" and pattern.search(request.path) and not rewritten:
            rewritten.append(request.path)
            response.status, response.body = 200, unreadable

    crm.app.after.append(garble)
    run = Run(crm, tmp_path)
    try:
        first = run.engine.run_cycle()
        assert rewritten and first.tasks_refused == 0
        assert open_tasks(crm) == TWO_TASKS
        ids = getattr(crm, "ids")  # noqa: B009  (seed key -> CRM id)
        entries = [e for d in ("d0", "d2") for e in run.store.entries(ids[d])]
        assert [(e.state.value, bool(e.task_id)) for e in entries] == [("open", True)] * 2
        for full in (None, True, None):
            assert run.engine.run_cycle(full=full).tasks_created == 0
        assert Counter(d for d, _, _ in open_tasks(crm)) == {"d0": 1, "d2": 1}
        assert crm.open_counts() == {"d0": 1, "d2": 1}
    finally:
        run.close()
