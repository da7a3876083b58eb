"""What a rep gets from the method: one task per empty field, qualification first, the CRM's
own field labels, the person named, and why a task is high priority (built-in catalog)."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.base import Owner, Priority
from gates import evaluate_deal, load_catalog
from gates.snapshot import (
    ApprovalStatus,
    DealSnapshot,
    KeyContact,
    Phase,
    ProposalStatus,
    Qualification,
    Role,
)
from sync.config import TasksSettings
from sync.planner import DealPlan, DealState, PlanContext, plan_deal
from tests.gates.builders import ALL_MAPPED, NOW, deal

CATALOG = load_catalog()
OWNERS = {"u1": Owner("u1", "Aiko", None, True)}


def _plan(
    snapshot: DealSnapshot, language: str = "en", labels: dict[str, str] | None = None
) -> DealPlan:
    evaluation = evaluate_deal(snapshot, NOW, CATALOG)
    assert evaluation is not None
    policy = TasksSettings.model_validate({"language": language})
    ctx = PlanContext(policy, {g.id: g for g in CATALOG.gates}, OWNERS, NOW, labels or {})
    return plan_deal(DealState(snapshot.id, snapshot.name, "u1", evaluation), ctx)


def test_one_empty_field_yields_one_task_naming_both_steps() -> None:
    snapshot = deal(Phase.DEFINE, proposal_status=None, approval_status=ApprovalStatus.DRAFTED)
    gates = [c.task.gate_id for c in _plan(snapshot).creates]
    assert gates == ["proposal_and_quote_prepared"]  # not proposal_presented_to_key_person too
    [create] = _plan(snapshot).creates
    assert "Proposal and quote explained to the key person" in create.task.body


def test_one_empty_approval_status_yields_one_task_in_decision() -> None:
    snapshot = deal(Phase.DECISION, approval_status=None)
    creates = _plan(snapshot).creates
    assert [c.task.gate_id for c in creates] == ["approval_requested"]
    assert "稟議手続きの完了" in _plan(snapshot, "ja").creates[0].task.body


def test_different_causes_still_make_their_own_tasks() -> None:
    snapshot = deal(Phase.DEFINE, proposal_status=ProposalStatus.NONE)
    gates = [c.task.gate_id for c in _plan(snapshot).creates]
    assert gates == ["proposal_and_quote_prepared", "proposal_presented_to_key_person"]


def test_an_unqualified_opportunity_gets_only_the_tasks_that_decide_it() -> None:
    bare = DealSnapshot(
        id="006N",
        name="New lead",
        crm="test",
        stage="s",
        stage_phase=Phase.DISCOVERY,
        mapped=ALL_MAPPED,
    )
    gates = {c.task.gate_id for c in _plan(bare).creates}
    qualifying = {g.id for g in CATALOG.gates if g.qualifying}
    assert gates == qualifying and "scope_confirmed" not in gates
    pursued = _plan(bare._replace(qualification=Qualification.PURSUE)).creates
    assert {c.task.gate_id for c in pursued} > qualifying - {"qualification_decided"}
    assert "scope_confirmed" in {c.task.gate_id for c in pursued}


def test_tasks_quote_the_crm_label_and_say_why_they_are_high() -> None:
    snapshot = deal(Phase.DEFINE, budget_status=None)
    labels = {"budget_status": "予算の状況", "budget_amount": "予算金額"}
    [create] = _plan(snapshot, "ja", labels).creates
    assert create.task.priority is Priority.HIGH
    assert "「予算の状況」が未入力です" in create.task.body
    assert "発見フェーズ" in create.task.body and "定義フェーズ" in create.task.body
    assert create.task.subject == "[dealgate] 予算の確保と、予算額・予算期を確認する"
    [english] = _plan(snapshot, "en", {"budget_status": "Budget Stage"}).creates
    assert '"Budget Stage"' in english.task.body and "skipped" in english.task.body


def test_a_key_person_reason_names_the_person_role_and_last_contact() -> None:
    old = KeyContact(
        id="c1",
        name="Tanaka Ichiro",
        role=Role.APPROVER,
        last_contacted=datetime(2026, 5, 1, tzinfo=UTC),
    )
    snapshot = deal(Phase.DECISION, contacts=(old,))
    bodies = {c.task.gate_id: c.task.body for c in _plan(snapshot).creates}
    assert "Tanaka Ichiro (A) on 2026-05-01" in bodies["key_person_in_touch"]
