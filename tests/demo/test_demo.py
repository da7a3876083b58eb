"""`dealgate demo`: one write cycle against the embedded sandbox, summarized, nothing left over."""

from __future__ import annotations

import io
import re
import threading

import pytest
from rich.console import Console

from sync.demo import run_demo


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_demo_writes_tasks_and_prints_the_summary(crm: str) -> None:
    threads_before = set(threading.enumerate())
    out = io.StringIO()
    report = run_demo(crm, Console(file=out, width=120))
    text = out.getvalue()
    assert report.tasks_created == 40  # 4 active owners x tasks.max_new_per_owner (10)
    assert report.tasks_refused == 0
    for section in ("Deals per phase", "Gates failing most", "Tasks created per owner"):
        assert section in text
    assert "A task as the rep sees it: [dealgate]" in text
    assert "dealgate:" in text  # the marker line, as the rep sees it in the task body
    # the verdict is on: every deal in scope got its fields, and a few are shown as the CRM
    # holds them
    assert report.verdicts_written == report.deals_evaluated > 0
    assert "The verdict on the deal, as the CRM now holds it" in text
    phase = "Dealgate_Phase__c" if crm == "salesforce" else "dealgate_phase"
    assert phase in text and "discovery" in text.split("The verdict on the deal")[1]
    # the sandbox servers stopped with the demo
    leftover = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert not [t for t in leftover if t.name.startswith("sandbox")]


def test_the_demo_reads_well_in_a_ci_log_and_ends_with_the_next_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what a pipe or CI runner reports
    from sync.demo import demo_console

    report = run_demo("hubspot", demo_console())  # stdout is captured: not a terminal
    lines = capsys.readouterr().out.splitlines()
    text = "\n".join(lines)
    assert "Deal findings of the planner" in text  # a title on one line, not wrapped
    if any(f.code.value == "no_owner" for _, f in report.findings):
        [row] = [line for line in lines if line.startswith("│ no_owner")]
        assert "owner inactive and no tasks.fallback_owner" in row  # explained in its row
    [subject] = [line for line in lines if line.startswith("A task as the rep sees it: ")]
    assert subject.rstrip().endswith(report.planned("create")[0].subject.split("] ", 1)[1])
    assert lines[-4:-2] == ["Next, try:", lines[-3]] and "dealgate sandbox serve" in lines[-3]
    assert lines[-1].strip().startswith("dealgate init --crm hubspot --output dealgate.yaml")


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_the_whole_demo_speaks_japanese(crm: str) -> None:
    out = io.StringIO()
    report = run_demo(crm, Console(file=out, width=160), language="ja")
    text = out.getvalue()
    for heading in (
        "フェーズ別の案件",
        "未達の多いゲート",
        "担当者別の作成タスク",
        "次に試すこと:",
    ):
        assert heading in text
    assert "Deals per phase" not in text and "warning:" not in text and "Next, try" not in text
    assert f"案件{report.deals_read}件を読み込み" in text
    # the tasks the demo wrote follow the language too: the one the rep sees is Japanese
    assert "担当者から見たタスクの例:" in text and "不足している点：" in text
    assert all(not a.subject.isascii() for a in report.planned("create"))
    # every line is Japanese but for ids, names, commands and the task marker; deal names and
    # field labels 「...」 are the CRM's data (the verdict table shows a few names; the tasks quote
    # the labels as the sandbox portal has them)
    names = " ".join(change.deal_name for change in report.verdict_changes)
    for word in set(re.findall(r"[A-Za-z]{3,}", names)):  # names may be cut or wrapped
        text = text.replace(word, "")
    for line in text.splitlines():
        words = re.sub(
            r"「[^」]*」|\(\w+\)|\b[a-z_]+\b|dealgate\S*|Dealgate_\w+"
            r"|[A-Z][a-z]+ [A-Z][a-z]+|FILE|CRM|API",
            "",
            line,
        )
        assert not re.search(r"[A-Za-z]{3}", words), line
