"""`dealgate demo`: one write cycle against the embedded sandbox, summarized, nothing left over."""

from __future__ import annotations

import io
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
    # the sandbox servers stopped with the demo
    leftover = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert not [t for t in leftover if t.name.startswith("sandbox")]
