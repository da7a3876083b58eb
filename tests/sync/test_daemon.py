"""The daemon loop: exit codes, signals, retries, metrics and /healthz (in-memory CRM)."""

from __future__ import annotations

import json
import os
import signal
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from connector.errors import AuthError, QuotaExhausted, ServerError
from state.sqlite import SqliteStateStore
from sync import daemon
from sync.cycle import CycleReport
from sync.metrics import Metrics, MetricsServer
from tests.sync.builders import START, Clock, decision_maker, discovery_done, settings
from tests.sync.fake import FakeConnector


def crm_with_work(deals: int = 1) -> FakeConnector:
    crm = FakeConnector(Clock())
    for n in range(deals):
        crm.put_deal(f"006{n:02d}", contacts=[decision_maker()],
                     **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    return crm


def test_once_runs_one_cycle_and_exits_0(tmp_path: Path) -> None:
    crm = crm_with_work()
    assert daemon.run(settings(tmp_path), once=True, connector=crm, clock=Clock()) == 0
    assert len(crm.open_tasks()) == 1
    with SqliteStateStore(settings(tmp_path).state_path) as store:
        assert store.cursor() is not None and store.runs()[0].status == "ok"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (AuthError("session expired", status=401), "refused the cycle: session expired"),
        (QuotaExhausted("daily limit", code="REQUEST_LIMIT_EXCEEDED"), "daily limit"),
        (ServerError("unavailable", status=503), "the cycle failed: unavailable"),
        (RuntimeError("a bug"), "the cycle failed: RuntimeError: a bug"),
    ],
    ids=["auth", "quota", "transient", "unexpected"],
)
def test_once_exits_2_on_a_failed_cycle_with_the_reason_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], error: Exception, message: str
) -> None:
    crm = crm_with_work()
    crm.read_faults.append(error)  # type: ignore[arg-type]
    assert daemon.run(settings(tmp_path), once=True, connector=crm, clock=Clock()) == 2
    assert message in capsys.readouterr().err
    assert crm.write_log == []


def test_terminal_error_stops_the_daemon(tmp_path: Path) -> None:
    crm = crm_with_work()
    crm.read_faults.append(AuthError("invalid session", status=401))
    assert daemon.run(settings(tmp_path), once=False, connector=crm, clock=Clock()) == 2


def test_a_failed_cycle_is_retried_at_the_next_interval(tmp_path: Path) -> None:
    crm = crm_with_work()
    crm.read_faults.append(ServerError("unavailable", status=503))
    stop = threading.Event()
    crm.on_write = stop.set  # the retry writes: then end the loop
    code = daemon.run(settings(tmp_path), once=False, connector=crm, clock=Clock(), stop=stop)
    assert code == 0 and len(crm.open_tasks()) == 1


def test_a_quota_down_to_the_reserve_waits_instead_of_ending_the_daemon(tmp_path: Path) -> None:
    crm = crm_with_work()
    crm.read_faults.append(QuotaExhausted("daily API quota nearly used up"))
    stop = threading.Event()
    crm.on_write = stop.set  # the cycle after the wait writes: then end the loop
    code = daemon.run(
        settings(tmp_path), once=False, connector=crm, clock=Clock(), stop=stop,
        quota_wait_seconds=0,
    )  # fmt: skip
    assert code == 0 and len(crm.open_tasks()) == 1


def test_dry_run_prints_the_diff_and_leaves_no_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crm = crm_with_work()
    assert (
        daemon.run(settings(tmp_path), once=True, dry_run=True, connector=crm, clock=Clock()) == 0
    )
    out = capsys.readouterr().out
    assert "+ create budget_confirmed on Deal 00600 (00600) for Aiko" in out
    assert "1 task(s) to create" in out
    assert crm.write_log == [] and not settings(tmp_path).state_path.exists()


def test_a_second_daemon_on_the_same_state_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SqliteStateStore(settings(tmp_path).state_path):
        assert daemon.run(settings(tmp_path), once=True, connector=crm_with_work()) == 2
    assert "in use by another dealgate process" in capsys.readouterr().err


def test_sigterm_during_a_cycle_finishes_the_batch_saves_state_and_exits_0(
    tmp_path: Path,
) -> None:
    crm = crm_with_work(deals=5)
    writes = 0

    def terminate_on_first_write() -> None:
        nonlocal writes
        writes += 1
        if writes == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    crm.on_write = terminate_on_first_write
    before = signal.getsignal(signal.SIGTERM)
    code = daemon.run(settings(tmp_path), once=False, connector=crm, clock=Clock(), batch_size=2)
    assert code == 0
    assert signal.getsignal(signal.SIGTERM) is before
    assert writes == 1 and len(crm.open_tasks()) == 2  # the batch in flight, no more
    with SqliteStateStore(settings(tmp_path).state_path) as store:
        assert {e.task_id for e in store.all_entries()} == {t.id for t in crm.open_tasks()}
        assert store.intents() == [] and store.cursor() is None  # the cycle did not finish
        assert store.runs()[0].status == "interrupted"
    # the next start picks up where it stopped, without duplicates
    crm.on_write = None
    assert daemon.run(settings(tmp_path), once=True, connector=crm, clock=Clock()) == 0
    assert sorted(t.deal_id for t in crm.open_tasks()) == [f"006{n:02d}" for n in range(5)]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_metrics_and_healthz() -> None:
    metrics = Metrics(unhealthy_after=2)
    server = MetricsServer(metrics, 0, host="127.0.0.1").start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        report = CycleReport(full=True, dry_run=False, started_at=START, finished_at=START,
                             deals_read=7, tasks_created=3)  # fmt: skip
        metrics.cycle_done(report)
        status, body = _get(f"{base}/metrics")
        assert status == 200
        assert b'dealgate_deals_read_total{tenant="default"} 7.0' in body
        assert b'dealgate_tasks_total{action="created",tenant="default"} 3.0' in body
        assert _get(f"{base}/healthz")[0] == 200
        metrics.cycle_failed()
        assert _get(f"{base}/healthz")[0] == 200
        metrics.cycle_failed()
        status, body = _get(f"{base}/healthz")
        assert status == 503 and json.loads(body)["consecutive_failed_cycles"] == 2
        metrics.cycle_done(report)
        assert _get(f"{base}/healthz")[0] == 200
        assert _get(f"{base}/nothing")[0] == 404
    finally:
        server.stop()


def test_a_shutdown_during_a_retry_backoff_exits_0_at_once(tmp_path: Path) -> None:
    """SIGTERM/SIGINT end the daemon within seconds even while the connector waits out a
    backoff: the HubSpot sandbox answers 503 to every search, so the connector retries with
    waits of 1, 2, 4, ... seconds; the stop ends the wait at once and the daemon exits 0."""
    from sandbox import hubspot
    from sandbox.http import Fault
    from sync.config import parse_settings

    with hubspot.start(seed="demo") as hs:
        hs.app.inject("POST", r"/search$", *[Fault(503) for _ in range(50)])
        config = parse_settings(
            f"crm: hubspot\nhubspot:\n  access_token: {hs.token}\n  base_url: {hs.url}\n"
            "  max_retry_seconds: 600\n  retry_attempts: 20\nstate: sqlite:///s.db\n",
            env={},
            base_dir=tmp_path,
        )
        stop = threading.Event()
        first_fault = threading.Event()
        hs.app.observers.append(lambda r: first_fault.set() if r.route == "fault" else None)
        result: list[int] = []
        thread = threading.Thread(
            target=lambda: result.append(daemon.run(config, once=False, stop=stop)), daemon=True
        )
        thread.start()
        assert first_fault.wait(30)  # the connector now waits out its first backoff
        stop.set()
        thread.join(30)  # left alone, the backoffs of 20 attempts would take minutes
        assert not thread.is_alive()
        faults_answered = sum(r.route == "fault" for r in hs.app.log)
        assert faults_answered < 5  # it stopped retrying instead of working through the queue
        assert result == [0]
