"""The daemon end to end on a PostgreSQL state, against both sandbox CRMs over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from state.base import open_store
from sync import daemon
from sync.config import Settings, parse_settings
from tests.sync.sandboxes import SandboxCRM, SeedDeal, open_tasks, start

DEALS = [
    SeedDeal("d0"),  # budget only estimated: one task for sato
    SeedDeal("d1", budget="confirmed"),  # nothing missing
    SeedDeal("d2", owner="kim"),  # one task for kim
]


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest) -> Iterator[SandboxCRM]:
    with start(request.param, DEALS) as running:
        yield running


def on_postgres(crm: SandboxCRM, tmp_path: Path, url: str, **tasks: Any) -> Settings:
    text = crm.config_text(tmp_path, **tasks)
    text = text.replace(f"state: sqlite:///{tmp_path / 'state.db'}", f"state: {url}")
    assert f"state: {url}" in text
    return parse_settings(text, base_dir=tmp_path)


def test_the_daemon_keeps_its_state_in_postgresql(
    crm: SandboxCRM, tmp_path: Path, postgres_url: str
) -> None:
    settings = on_postgres(crm, tmp_path, postgres_url)
    assert daemon.run(settings, once=True) == 0
    assert open_tasks(crm) == [("d0", "budget_confirmed", "sato"),
                               ("d2", "budget_confirmed", "kim")]  # fmt: skip
    crm.app.reset_log()
    assert daemon.run(settings, once=True) == 0  # a restart: the ledger is in PostgreSQL
    assert crm.app.writes() == [] and len(crm.tasks()) == 2
    crm.set_budget("d0", "confirmed")
    assert daemon.run(settings, once=True) == 0
    assert open_tasks(crm) == [("d2", "budget_confirmed", "kim")]
    assert not (tmp_path / "state.db").exists()
    with open_store(postgres_url, read_only=True) as store:
        assert store.cursor() is not None
        assert [r.status for r in store.runs()] == ["ok", "ok", "ok"]
        assert sorted((e.gate_id, e.state.value) for e in store.all_entries()) == [
            ("budget_confirmed", "completed"), ("budget_confirmed", "open"),
        ]  # fmt: skip


def test_a_dry_run_on_postgresql_changes_neither_the_crm_nor_the_state(
    crm: SandboxCRM, tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = on_postgres(crm, tmp_path, postgres_url)
    assert daemon.run(settings, once=True) == 0
    with open_store(postgres_url, read_only=True) as store:
        before = (store.cursor(), store.all_entries(), store.runs())
    crm.set_budget("d0", "confirmed")
    crm.app.reset_log()
    capsys.readouterr()
    assert daemon.run(settings, once=True, dry_run=True) == 0
    assert "dry run: 0 task(s) to create, 1 to complete" in capsys.readouterr().out
    assert crm.app.writes() == []
    with open_store(postgres_url, read_only=True) as store:
        assert (store.cursor(), store.all_entries(), store.runs()) == before
