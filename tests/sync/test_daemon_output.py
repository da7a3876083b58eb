"""What `dealgate run` tells the operator: stderr errors, the cycle summary, progress."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog

from connector.errors import AuthError
from gates import load_catalog
from mappings import load_mapping
from state.sqlite import SqliteStateStore
from sync import daemon
from sync.engine import Engine
from sync.logs import register_secrets
from tests.sync.builders import Clock, decision_maker, discovery_done, settings
from tests.sync.fake import FakeConnector

TOKEN = "pat-na1-feedface-0000-cafe"


def test_the_error_line_on_stderr_masks_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register_secrets([TOKEN])
    crm = FakeConnector(Clock())
    crm.put_deal("006A", contacts=[decision_maker()], **discovery_done())
    crm.read_faults.append(AuthError(f"token {TOKEN} was revoked", status=401))
    assert daemon.run(settings(tmp_path), once=True, connector=crm, clock=Clock()) == 2
    err = capsys.readouterr().err
    assert "was revoked" in err and TOKEN not in err


def test_the_cycle_summary_names_each_unmapped_stage_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crm = FakeConnector(Clock())
    for deal_id in ("006A", "006B", "006C"):
        crm.put_deal(deal_id, contacts=[decision_maker()], **discovery_done(StageName="Parked"))
    crm.put_deal("006D", contacts=[decision_maker()], **discovery_done(StageName="On Hold"))
    with structlog.testing.capture_logs() as logs:
        code = daemon.run(settings(tmp_path), once=True, dry_run=True, connector=crm, clock=Clock())
    assert code == 0
    warned = [e["stage"] for e in logs if e["event"] == "unmapped_stage"]
    assert sorted(warned) == ["On Hold", "Parked"]
    [summary] = [e for e in logs if e["event"] == "cycle_summary"]
    assert summary["unmapped_stages"] == [
        "stage 'On Hold' is not in the mapping: 1 deal(s) skipped",
        "stage 'Parked' is not in the mapping: 3 deal(s) skipped",
    ]
    assert "warning: stage 'Parked' is not in the mapping: 3 deal(s) skipped" in (
        capsys.readouterr().out
    )


def test_a_long_cycle_logs_its_progress(tmp_path: Path) -> None:
    crm = FakeConnector(Clock())
    for n in range(5):
        crm.put_deal(f"006{n}", contacts=[decision_maker()],
                     **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    world_settings = settings(tmp_path)
    with (
        SqliteStateStore(world_settings.state_path) as store,
        structlog.testing.capture_logs() as logs,
    ):
        engine = Engine(
            world_settings,
            crm,
            store,
            mapping=load_mapping("salesforce"),
            catalog=load_catalog(),
            clock=Clock(),
            progress_every=2,
        )
        engine.run_cycle()
    progress = [
        (e["deals_read"], e["tasks_to_create"]) for e in logs if e["event"] == "cycle_progress"
    ]
    assert progress == [(2, 2), (4, 4)]


def test_a_state_folder_that_cannot_be_made_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").write_text("a file where the state folder should be")
    config = settings(tmp_path).model_copy(update={"state": "sqlite:///taken/state.db"})
    crm = FakeConnector(Clock())
    assert daemon.run(config, once=True, connector=crm, clock=Clock()) == 2
    err = capsys.readouterr().err
    assert "dealgate: error: state " in err and "Traceback" not in err


def test_a_writing_run_prints_its_one_line_summary_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crm = FakeConnector(Clock())
    crm.put_deal("006A", contacts=[decision_maker()],
                 **discovery_done(Budget_Status__c="estimated"))  # fmt: skip
    crm.put_deal("006P", contacts=[decision_maker()], **discovery_done(StageName="Parked"))
    with structlog.testing.capture_logs() as logs:
        assert daemon.run(settings(tmp_path), once=True, connector=crm, clock=Clock()) == 0
    assert capsys.readouterr().out.splitlines() == [
        "full cycle: 2 deal(s) read, 1 task(s) created, 0 completed, 0 deferred; "
        "1 deal(s) skipped in unmapped stages"
    ]
    # the count of deals and the list of stages carry names that say which is which
    [done] = [e for e in logs if e["event"] == "cycle_done"]
    [summary] = [e for e in logs if e["event"] == "cycle_summary"]
    assert done["unmapped_stage_deals"] == 1 and "unmapped_stages" not in done
    assert summary["unmapped_stages"] == ["stage 'Parked' is not in the mapping: 1 deal(s) skipped"]
