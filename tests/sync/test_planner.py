"""The planner's rules as tables: one row per situation a rep or an admin would notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from connector.base import Owner, Priority
from gates.model import Gate, Text
from gates.results import DealEvaluation, FindingCode, GateResult, Outcome
from gates.snapshot import DealTask, Phase
from state.base import LedgerEntry, Snooze, TaskState
from sync.config import TasksSettings
from sync.planner import (
    DealState,
    PlanContext,
    PlannedCreate,
    plan_deal,
    plan_deleted,
    resolve_owner,
)
from sync.quota import OwnerQuota

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

GATES = {
    g.id: g
    for g in (
        Gate(
            "budget_confirmed",
            Phase.DISCOVERY,
            "enum",
            Text("Budget confirmed", "予算を確認"),
            Text("No budget, no project.", "予算がなければ案件ではない"),
            Text("Ask who holds the budget.", "予算の持ち主を確認する"),
            ("budget_status",),
        ),
        Gate(
            "key_person_contacted",
            Phase.DISCOVERY,
            "contact",
            Text("Key person contacted"),
            Text("Deals are won by people."),
            Text("Meet a key person."),
            ("contacts",),
        ),
        Gate(
            "approval_requested",
            Phase.DEFINE,
            "enum",
            Text("Approval requested"),
            Text("Approval takes time."),
            Text("Help draft the request."),
            ("approval_status",),
        ),
        Gate(
            "approval_granted",
            Phase.DECISION,
            "enum",
            Text("Approval granted"),
            Text("Signed off."),
            Text("Follow the approval."),
            ("approval_status",),
        ),
    )
}
OWNERS = {
    "u1": Owner("u1", "Aiko", None, True),
    "u2": Owner("u2", "Ben", None, True),
    "gone": Owner("gone", "Left", None, False),
    "fb": Owner("fb", "Fallback", None, True),
}


def ctx(**policy: object) -> PlanContext:
    return PlanContext(TasksSettings.model_validate(policy), GATES, OWNERS, NOW)


def res(gate_id: str, outcome: str = "failed", skipped: bool = False) -> GateResult:
    gate = GATES[gate_id]
    return GateResult(gate_id, gate.phase, Outcome(outcome), ("missing",), skipped)


def deal(
    *results: GateResult,
    owner: str | None = "u1",
    tasks: tuple[DealTask, ...] = (),
    ledger: tuple[LedgerEntry, ...] = (),
    snoozes: tuple[Snooze, ...] = (),
    in_scope: bool = True,
) -> DealState:
    evaluation = DealEvaluation.of("d1", Phase.DEFINE, results, (), None, None)
    return DealState(
        "d1", "Acme renewal", owner, evaluation if in_scope else None, tasks, ledger, snoozes
    )


def task(
    task_id: str, gate_id: str, is_open: bool = True, done: datetime | None = None
) -> DealTask:
    return DealTask(id=task_id, gate_id=gate_id, is_open=is_open, completed_at=done)


def led(task_id: str | None, gate_id: str, state: TaskState = TaskState.OPEN) -> LedgerEntry:
    return LedgerEntry("d1", gate_id, task_id, state, "u1", NOW - DAY, row=7)


@dataclass
class Row:
    deal: DealState
    creates: list[str] = field(default_factory=list)  # gate ids
    completes: list[str] = field(default_factory=list)  # task ids
    policy: dict[str, object] = field(default_factory=dict)


ROWS = {
    "failing gate, no task: create": Row(deal(res("budget_confirmed")), ["budget_confirmed"]),
    "failing gate, open task: leave": Row(
        deal(res("budget_confirmed"), tasks=(task("t1", "budget_confirmed"),)),
    ),
    "failing gate, pending intent: leave": Row(
        deal(res("budget_confirmed"), ledger=(led(None, "budget_confirmed", TaskState.INTENT),)),
    ),
    "two open duplicates: no third, none closed": Row(
        deal(res("budget_confirmed"),
             tasks=(task("t1", "budget_confirmed"), task("t2", "budget_confirmed"))),
    ),
    "passing gate with open task: complete": Row(
        deal(res("budget_confirmed", "passed"), tasks=(task("t1", "budget_confirmed"),)),
        completes=["t1"],
    ),
    "passing gate with duplicates: complete both": Row(
        deal(res("budget_confirmed", "passed"),
             tasks=(task("t1", "budget_confirmed"), task("t2", "budget_confirmed"))),
        completes=["t1", "t2"],
    ),
    "passing gate, close_when_passed off: leave": Row(
        deal(res("budget_confirmed", "passed"), tasks=(task("t1", "budget_confirmed"),)),
        policy={"close_when_passed": False},
    ),
    "passing gate, no task: nothing": Row(deal(res("budget_confirmed", "passed"))),
    "not evaluated: nothing, task left alone": Row(
        deal(res("budget_confirmed", "not_evaluated"), res("approval_requested", "not_evaluated"),
             tasks=(task("t1", "budget_confirmed"),)),
    ),
    "closed lost / unmapped: complete open tasks only": Row(
        deal(in_scope=False, tasks=(task("t1", "budget_confirmed"),
                                    task("t2", "approval_requested", is_open=False, done=NOW))),
        completes=["t1"],
    ),
    "gate no longer applies: task left alone": Row(
        deal(res("budget_confirmed", "passed"), tasks=(task("t9", "approval_granted"),)),
    ),
    "snooze running: leave": Row(
        deal(res("budget_confirmed"),
             snoozes=(Snooze("d1", "budget_confirmed", "t0", NOW + DAY),)),
    ),
    "snooze over: create": Row(
        deal(res("budget_confirmed"),
             snoozes=(Snooze("d1", "budget_confirmed", "t0", NOW - timedelta(seconds=1)),)),
        ["budget_confirmed"],
    ),
    "rep completed a known task, gate fails: snooze, no create": Row(
        deal(res("budget_confirmed"),
             tasks=(task("t1", "budget_confirmed", is_open=False, done=NOW - 20 * DAY),),
             ledger=(led("t1", "budget_confirmed"),)),
    ),
    "rep deleted a known task, gate fails: snooze, no create": Row(
        deal(res("budget_confirmed"), ledger=(led("t1", "budget_confirmed"),)),
    ),
    "unknown marker task completed 3 days ago: snoozed": Row(
        deal(res("budget_confirmed"),
             tasks=(task("t1", "budget_confirmed", is_open=False, done=NOW - 3 * DAY),)),
    ),
    "unknown marker task completed 15 days ago: create": Row(
        deal(res("budget_confirmed"),
             tasks=(task("t1", "budget_confirmed", is_open=False, done=NOW - 15 * DAY),)),
        ["budget_confirmed"],
    ),
    "task dealgate completed itself, gate fails again: create": Row(
        deal(res("budget_confirmed"),
             tasks=(task("t1", "budget_confirmed", is_open=False, done=NOW - DAY),),
             ledger=(led("t1", "budget_confirmed", TaskState.COMPLETED),)),
        ["budget_confirmed"],
    ),
    "snooze 0 days: create at once": Row(
        deal(res("budget_confirmed"), ledger=(led("t1", "budget_confirmed"),)),
        ["budget_confirmed"],
        policy={"snooze_days": 0},
    ),
    "inactive owner, fallback set: create for fallback": Row(
        deal(res("budget_confirmed"), owner="gone"), ["budget_confirmed"],
        policy={"fallback_owner": "fb"},
    ),
    "inactive owner, no fallback: nothing (finding)": Row(
        deal(res("budget_confirmed"), owner="gone"),
    ),
    "missing owner, fallback set: create": Row(
        deal(res("budget_confirmed"), owner=None), ["budget_confirmed"],
        policy={"fallback_owner": "fb"},
    ),
    "inactive fallback: nothing": Row(
        deal(res("budget_confirmed"), owner="gone"), policy={"fallback_owner": "gone"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_plan_table(row: Row) -> None:
    plan = plan_deal(row.deal, ctx(**row.policy))
    assert [c.task.gate_id for c in plan.creates] == row.creates
    assert sorted(c.task.task_id for c in plan.completes) == row.completes


def test_created_task_carries_owner_due_priority_and_words() -> None:
    plan = plan_deal(
        deal(res("budget_confirmed", skipped=True), res("approval_requested")),
        ctx(due_in_days=3),
    )
    first, second = (c.task for c in plan.creates)
    assert (first.gate_id, first.priority) == ("budget_confirmed", Priority.HIGH)
    assert (second.gate_id, second.priority) == ("approval_requested", Priority.NORMAL)
    assert first.owner_id == "u1"
    assert first.due == (NOW + 3 * DAY).date()
    assert first.subject == "[dealgate] Budget confirmed"
    assert "Acme renewal" in first.body and "No budget, no project." in first.body
    assert "- missing" in first.body and "dealgate:" not in first.body


def test_japanese_tasks() -> None:
    plan = plan_deal(deal(res("budget_confirmed")), ctx(language="ja"))
    created = plan.creates[0].task
    assert created.subject == "[dealgate] 予算を確認"
    assert "予算がなければ案件ではない" in created.body and "案件：Acme renewal" in created.body


def test_rep_closing_a_known_task_starts_the_snooze_now_and_marks_the_ledger() -> None:
    state = deal(res("budget_confirmed"), ledger=(led("t1", "budget_confirmed"),))
    plan = plan_deal(state, ctx(snooze_days=14))
    assert plan.snoozes == [Snooze("d1", "budget_confirmed", "t1", NOW + 14 * DAY)]
    assert [(e.task_id, e.state) for e in plan.ledger] == [("t1", TaskState.CLOSED_BY_REP)]


def test_found_completed_marker_task_snoozes_from_its_completion_time() -> None:
    done = NOW - 3 * DAY
    state = deal(res("budget_confirmed"),
                 tasks=(task("t1", "budget_confirmed", is_open=False, done=done),))  # fmt: skip
    plan = plan_deal(state, ctx(snooze_days=14))
    assert plan.snoozes == [Snooze("d1", "budget_confirmed", "t1", done + 14 * DAY)]


def test_a_snooze_is_started_once_per_closed_task() -> None:
    state = deal(
        res("budget_confirmed"),
        ledger=(led("t1", "budget_confirmed", TaskState.CLOSED_BY_REP),),
        snoozes=(Snooze("d1", "budget_confirmed", "t1", NOW - DAY),),
    )
    plan = plan_deal(state, ctx())
    assert plan.snoozes == [] and [c.task.gate_id for c in plan.creates] == ["budget_confirmed"]


def test_closed_task_of_a_passing_gate_starts_no_snooze() -> None:
    state = deal(res("budget_confirmed", "passed"), ledger=(led("t1", "budget_confirmed"),))
    plan = plan_deal(state, ctx())
    assert plan.snoozes == []


def test_unknown_open_marker_task_is_adopted() -> None:
    plan = plan_deal(deal(res("budget_confirmed"), tasks=(task("t5", "budget_confirmed"),)), ctx())
    assert [(e.task_id, e.state) for e in plan.ledger] == [("t5", TaskState.OPEN)]


def test_completion_that_never_landed_goes_back_to_open() -> None:
    state = deal(
        res("budget_confirmed"),
        tasks=(task("t1", "budget_confirmed"),),
        ledger=(led("t1", "budget_confirmed", TaskState.COMPLETING),),
    )
    plan = plan_deal(state, ctx())
    assert [(e.task_id, e.state) for e in plan.ledger] == [("t1", TaskState.OPEN)]
    assert plan.creates == [] and plan.completes == []


def test_no_owner_finding() -> None:
    plan = plan_deal(deal(res("budget_confirmed"), res("approval_requested"), owner="gone"), ctx())
    assert [f.code for f in plan.findings] == [FindingCode.NO_OWNER]
    assert "2 task(s)" in plan.findings[0].message


def test_duplicates_are_reported() -> None:
    duplicates = (task("t1", "budget_confirmed"), task("t2", "budget_confirmed"))
    state = deal(res("budget_confirmed"), tasks=duplicates)
    assert plan_deal(state, ctx()).duplicates == ["budget_confirmed"]


def test_deleted_deal_completes_what_the_ledger_believes_open() -> None:
    ledger = [
        led("t1", "budget_confirmed"),
        led("t2", "approval_requested", TaskState.CLOSED_BY_REP),
        led(None, "approval_granted", TaskState.INTENT),
    ]
    assert [c.task.task_id for c in plan_deleted("d1", ledger)] == ["t1"]


@pytest.mark.parametrize(
    ("owner_id", "fallback", "expected"),
    [("u1", None, "u1"), ("u1", "fb", "u1"), ("gone", "fb", "fb"), ("gone", None, None),
     (None, "fb", "fb"), ("nobody", "fb", "fb"), ("gone", "gone", None),
     ("gone", "queue-not-a-user", "queue-not-a-user")],
    ids=["active", "active-with-fallback", "inactive", "inactive-no-fallback", "missing",
         "unknown", "inactive-fallback", "fallback-not-a-user"],
)  # fmt: skip
def test_resolve_owner(owner_id: str | None, fallback: str | None, expected: str | None) -> None:
    assert resolve_owner(owner_id, OWNERS, fallback) == expected


def _offer(quota: OwnerQuota, owner: str, gate_id: str, deal_id: str, skipped: bool) -> None:
    state = DealState(
        deal_id, deal_id, owner,
        DealEvaluation.of(
            deal_id, Phase.DECISION, (res(gate_id, skipped=skipped),), (), None, None
        ),
    )  # fmt: skip
    for create in plan_deal(state, ctx()).creates:
        quota.offer(create)


def test_cap_keeps_highest_priority_per_owner_and_defers_the_rest() -> None:
    quota = OwnerQuota(2)
    _offer(quota, "u1", "approval_granted", "d1", False)  # decision phase
    _offer(quota, "u1", "approval_requested", "d2", False)  # define phase
    _offer(quota, "u1", "budget_confirmed", "d3", False)  # discovery
    _offer(quota, "u1", "approval_granted", "d4", True)  # skipped phase: first of all
    _offer(quota, "u2", "approval_granted", "d5", False)
    kept = quota.drain()
    assert [(c.task.owner_id, c.task.deal_id) for c in kept if c.task.owner_id == "u1"] == [
        ("u1", "d4"),
        ("u1", "d3"),
    ]
    assert [c.task.deal_id for c in kept if c.task.owner_id == "u2"] == ["d5"]
    assert quota.deferred == 2


def test_cap_ties_go_to_the_deal_seen_first() -> None:
    quota = OwnerQuota(1)
    _offer(quota, "u1", "budget_confirmed", "d1", False)
    _offer(quota, "u1", "budget_confirmed", "d2", False)
    assert [c.task.deal_id for c in quota.drain()] == ["d1"]


def test_cap_zero_defers_everything() -> None:
    quota = OwnerQuota(0)
    _offer(quota, "u1", "budget_confirmed", "d1", False)
    assert quota.drain() == [] and quota.deferred == 1


def test_catalog_order_breaks_ties_within_a_phase() -> None:
    state = deal(res("key_person_contacted"), res("budget_confirmed"))
    creates: list[PlannedCreate] = plan_deal(state, ctx()).creates
    quota = OwnerQuota(1)
    for create in creates:
        quota.offer(create)
    assert [c.task.gate_id for c in quota.drain()] == ["budget_confirmed"]


def _won(*tasks: DealTask, phase: Phase = Phase.DELIVERY) -> DealState:
    evaluation = DealEvaluation.of("d1", phase, (), (), None, None)
    return DealState("d1", "Acme renewal", "u1", evaluation, tasks, (), ())


@pytest.mark.parametrize("phase", [Phase.DELIVERY, Phase.MAINTENANCE])
def test_selling_gate_tasks_are_completed_as_moot_once_the_deal_is_won(phase: Phase) -> None:
    won = _won(task("t1", "budget_confirmed"), task("t2", "approval_granted"), phase=phase)
    plan = plan_deal(won, ctx())
    assert sorted(c.task.task_id for c in plan.completes) == ["t1", "t2"]
    assert {c.reason for c in plan.completes} == {"moot"}
    assert plan.creates == []


def test_moot_tasks_stay_open_when_close_when_passed_is_off() -> None:
    plan = plan_deal(_won(task("t1", "budget_confirmed")), ctx(close_when_passed=False))
    assert plan.completes == []


def test_a_selling_deal_keeps_tasks_of_gates_outside_its_evaluation() -> None:
    # a define deal whose evaluation lacks a gate in force (a later phase's: the deal moved back)
    plan = plan_deal(
        deal(res("budget_confirmed", "passed"), tasks=(task("t1", "approval_granted"),)), ctx()
    )
    assert plan.completes == []


def test_a_deal_read_twice_in_one_cycle_gets_one_task_per_gate() -> None:
    quota = OwnerQuota(10)
    _offer(quota, "u1", "budget_confirmed", "d1", False)
    _offer(quota, "u1", "budget_confirmed", "d1", False)  # the same deal, seen again
    _offer(quota, "u1", "key_person_contacted", "d1", False)
    kept = [(c.task.deal_id, c.task.gate_id) for c in quota.drain()]
    assert sorted(kept) == [("d1", "budget_confirmed"), ("d1", "key_person_contacted")]
    assert quota.deferred == 0


def test_cap_leaves_room_only_for_what_the_owner_did_not_receive_in_the_window() -> None:
    quota = OwnerQuota(2, used={"u1": 1, "u2": 2})
    _offer(quota, "u1", "budget_confirmed", "d1", False)
    _offer(quota, "u1", "key_person_contacted", "d2", False)
    _offer(quota, "u2", "budget_confirmed", "d3", False)
    assert [(c.task.owner_id, c.task.deal_id) for c in quota.drain()] == [("u1", "d1")]
    assert quota.deferred == 2 and quota.deferred_owners == {"u1", "u2"}


def test_tasks_of_a_gate_no_longer_in_force_are_completed() -> None:
    state = deal(res("budget_confirmed", "passed"), tasks=(task("t1", "approval_granted"),))
    state = state._replace(gates_in_force=frozenset({"budget_confirmed"}))
    plan = plan_deal(state, ctx())
    assert [(c.task.task_id, c.reason) for c in plan.completes] == [("t1", "gate_off")]
