"""The cycle report keeps memory flat in a live cycle and every action in a dry run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.cycle import MAX_ACTIONS, CycleReport, PlannedAction


def _action(n: int) -> PlannedAction:
    return PlannedAction("create", f"d{n}", "", "budget_confirmed", "u1", "s", "normal")


@pytest.mark.parametrize(("dry_run", "kept"), [(False, MAX_ACTIONS), (True, MAX_ACTIONS + 5)])
def test_actions_kept(dry_run: bool, kept: int) -> None:
    report = CycleReport(full=True, dry_run=dry_run, started_at=datetime(2026, 11, 27, tzinfo=UTC))
    for n in range(MAX_ACTIONS + 5):
        report.add_action(_action(n))
    assert len(report.actions) == kept
    assert report.actions[0].deal_id == "d0"
