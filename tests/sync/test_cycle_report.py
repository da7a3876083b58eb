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


def test_the_run_summary_and_the_dry_run_diff_follow_the_language() -> None:
    report = CycleReport(full=True, dry_run=True, started_at=datetime(2026, 11, 27, tzinfo=UTC))
    report.add_action(
        PlannedAction(
            "create", "d1", "株式会社ミドリ", "budget_confirmed", "u1", "[dealgate] 予算", "high"
        )
    )
    report.add_action(
        PlannedAction("complete", "d2", "", "scope_confirmed", None, "", "passed", "t9")
    )
    report.owner_names = {"u1": "佐藤 健"}
    assert report.diff_lines("ja") == [
        "+ 作成 budget_confirmed 案件 株式会社ミドリ (d1) 担当 佐藤 健 [優先度 高]: "
        "[dealgate] 予算",
        "- 完了 scope_confirmed 案件 d2（タスク t9、ゲート達成）",
    ]
    assert report.summary_line("ja") == (
        "ドライラン: 作成予定のタスク1件、完了予定1件、保留0件。何も書き込んでいません"
    )
    assert report.summary_line() == (
        "dry run: 1 task(s) to create, 1 to complete, 0 deferred; nothing was written"
    )
    live = CycleReport(full=False, dry_run=False, started_at=datetime(2026, 11, 27, tzinfo=UTC))
    live.deals_read, live.tasks_created, live.unmapped_stages = 7, 3, 2
    assert live.summary_line("ja") == (
        "差分サイクル: 案件7件を読み込み、タスク3件を作成、0件を完了、0件を保留。"
        "マッピングにないステージの案件2件をスキップ"
    )
