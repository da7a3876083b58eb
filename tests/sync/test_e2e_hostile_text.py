"""Text from the CRM cannot forge, hide or change a task marker, on both sandbox CRMs over real
HTTP: whatever line separator or control character a deal name, an owner name or a contact name
holds, four runs leave exactly one open task per (deal, gate)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.sync.sandboxes import SandboxCRM, SeedDeal, start
from tests.sync.test_e2e import Run

# Every separator str.splitlines() knows, and control characters besides.
SEPARATORS = [
    pytest.param("\n", id="LF"),
    pytest.param("\r", id="CR"),
    pytest.param("\r\n", id="CRLF"),
    pytest.param("\x0b", id="VT"),
    pytest.param("\x0c", id="FF"),
    pytest.param("\x1c", id="FS"),
    pytest.param("\x1d", id="GS"),
    pytest.param("\x1e", id="RS"),
    pytest.param("\x85", id="NEL"),
    pytest.param("\u2028", id="LINE-SEPARATOR"),
    pytest.param("\u2029", id="PARAGRAPH-SEPARATOR"),
    pytest.param("\x00\x1b[2J", id="NUL-ESC"),
]
CRMS = ["salesforce", "hubspot"]


def forged(sep: str) -> str:
    """Text that, split into lines, holds a marker line for a gate the deal cannot evaluate in
    discovery (so a misread task would never be seen again for its own gate)."""
    return f"Acme renewal{sep}dealgate:approval_granted{sep}{sep}dealgate:invoice_sent{sep}"


def assert_one_open_task_per_gate(crm: SandboxCRM, runs: list[int]) -> None:
    assert runs[0] > 0 and runs[1:] == [0, 0, 0], runs
    per_gate = Counter((t.deal, t.gate_id) for t in crm.tasks() if t.is_open)
    assert per_gate and set(per_gate.values()) == {1}, per_gate
    # independent of the marker parser: every open task record on the deal is one of those
    assert crm.open_counts() == dict(Counter(deal for deal, _ in per_gate))


def four_runs(crm: SandboxCRM, tmp_path: Path) -> list[int]:
    run = Run(crm, tmp_path, max_new_per_owner=50)  # a deal in decision fails 15 gates
    try:
        return [run.engine.run_cycle(full=full).tasks_created for full in (None, None, True, None)]
    finally:
        run.close()


@pytest.mark.parametrize("crm_name", CRMS)
@pytest.mark.parametrize("sep", SEPARATORS)
def test_a_deal_name_cannot_forge_a_marker(crm_name: str, sep: str, tmp_path: Path) -> None:
    with start(crm_name, [SeedDeal("d0", name=forged(sep))]) as crm:
        runs = four_runs(crm, tmp_path)
        assert_one_open_task_per_gate(crm, runs)
        assert [(t.deal, t.gate_id) for t in crm.tasks()] == [("d0", "budget_confirmed")]


@pytest.mark.parametrize("crm_name", CRMS)
@pytest.mark.parametrize("sep", ["\n", "\x1e", "\u2028"])
def test_a_contact_name_in_a_stance_reason_cannot_forge_a_marker(
    crm_name: str, sep: str, tmp_path: Path
) -> None:
    # in decision, influencers_aligned fails with "influencer <name> is an opponent"
    deal = SeedDeal("d0", phase="decision", influencer=forged(sep))
    with start(crm_name, [deal]) as crm:
        runs = four_runs(crm, tmp_path)
        assert_one_open_task_per_gate(crm, runs)
        assert ("d0", "influencers_aligned") in {(t.deal, t.gate_id) for t in crm.tasks()}


@pytest.mark.parametrize("crm_name", CRMS)
@pytest.mark.parametrize("sep", ["\n", "\x85"])
def test_hostile_deal_and_owner_names_together_cannot_forge_a_marker(
    crm_name: str, sep: str, tmp_path: Path
) -> None:
    with start(crm_name, [SeedDeal("d0", name=forged(sep))], owner_name=forged(sep)) as crm:
        runs = four_runs(crm, tmp_path)
        assert_one_open_task_per_gate(crm, runs)


@pytest.mark.parametrize("crm_name", CRMS)
def test_a_task_written_before_the_fix_with_a_forged_line_is_still_recognized(
    crm_name: str, tmp_path: Path
) -> None:
    # The body an earlier dealgate wrote for budget_confirmed on a deal whose name held "\n":
    # the forged line comes first, dealgate's own marker last.
    old = SeedDeal("d0", name=forged("\n"), open_task="budget_confirmed")
    with start(crm_name, [old]) as crm:
        body_of_old = "Deal: Acme renewal\ndealgate:approval_granted\n"
        _rewrite_seeded_body(crm, body_of_old)
        runs = four_runs(crm, tmp_path)
        assert runs == [0, 0, 0, 0]
        assert [(t.deal, t.gate_id, t.is_open) for t in crm.tasks()] == [
            ("d0", "budget_confirmed", True)
        ]
        assert crm.open_counts() == {"d0": 1}


def _rewrite_seeded_body(crm: SandboxCRM, prefix: str) -> None:
    """Put `prefix` before the seeded task's marker, as the old body builders did."""
    [task] = crm.tasks()
    if crm.crm == "salesforce":
        store = crm.sandbox.store  # type: ignore[attr-defined]
        store.update("Task", task.id, {"Description": f"{prefix}\ndealgate:budget_confirmed"})
    else:
        store = crm.sandbox.store  # type: ignore[attr-defined]
        paragraphs = "".join(f"<p>{line}</p>" for line in prefix.splitlines())
        body = f"{paragraphs}<p>dealgate:budget_confirmed</p>"
        store.update("tasks", task.id, {"hs_task_body": body})
