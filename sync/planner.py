"""The planner: what to do about each (deal, gate), decided from data alone (no I/O).

Rules (docs/design.md sections 3 and 5):
- A failing gate gets a task when the deal has no open dealgate task for that gate, no create
  pending (an intent in the ledger) and no snooze running. One open task per (deal, gate), ever.
- Two or more open tasks with the same marker found in the CRM (made by hand, or by an older
  install) are left as they are: dealgate adds no third and does not pick one to close, since it
  cannot tell which one a rep is working in. All of them are completed when the gate passes.
- A passing gate's open tasks are completed when `tasks.close_when_passed` is on.
- A `not_evaluated` gate writes nothing and leaves its tasks alone; so does a gate that is not
  evaluated for the deal's phase, with one exception: once a deal is won (delivery,
  maintenance), the open tasks of selling-phase gates are moot ("selling gates are moot once the
  contract is signed") and are completed when `tasks.close_when_passed` is on.
- The open tasks of a gate that is no longer in force for the deal (turned off, removed from the
  catalog, or off for the deal's pipeline) are moot too, and completed the same way.
- A deal out of scope (closed lost, deleted, moved to an unmapped stage) has its open dealgate
  tasks completed.
- Snooze: a task dealgate knows (ledger) that is found completed or gone while its gate still
  fails starts a snooze of `tasks.snooze_days` from now; a marker task dealgate did not know that
  is found completed starts it at its completion time. No task for that gate before it ends.
- Owner: the deal owner when active, else `tasks.fallback_owner` (unless it is known inactive),
  else no task and a `no_owner` finding.
- One cause, one task: a failing gate whose only reason is one empty field (`not_set`) that an
  earlier failing gate of the deal also names gets no task of its own; the earlier gate's task
  names both steps (filling the field closes both).
- Qualification first (slides 52-54, 57): while a discovery deal is not yet qualified
  (`DealEvaluation.qualified` False), only its `qualifying` gates get tasks.
- New tasks per owner over a rolling 24 hours are capped (`OwnerQuota`); the rest are deferred,
  highest priority first: skipped-phase gates, then phase order, then catalog order, then the
  order deals came in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import NamedTuple, Protocol

from connector.base import Owner, Priority, TaskComplete, TaskCreate
from gates.phases import PHASE_ORDER
from gates.results import DealEvaluation, Finding, FindingCode, GateResult, Outcome
from gates.snapshot import SELLING_PHASES, WON_PHASES, DealTask, Phase
from state.base import LedgerEntry, Snooze, TaskState
from sync.causes import shared_causes
from sync.config import TasksSettings
from sync.texts import GateWording, task_body, task_subject

# why a task is completed
PASSED = "passed"
LEFT_SCOPE = "left_scope"
DELETED = "deleted"
MOOT = "moot"  # a selling gate's task on a won deal
GATE_OFF = "gate_off"  # the gate is turned off, removed, or off for the deal's pipeline
_PASSED, _NOT_EVALUATED = Outcome.PASSED, Outcome.NOT_EVALUATED


class DealState(NamedTuple):
    """Everything the planner knows about one deal.

    `evaluation` None means the deal is out of scope (closed lost, unmapped stage). `tasks` are the
    dealgate-marked tasks the CRM shows on the deal (open, and recently completed ones).
    """

    deal_id: str
    name: str
    owner_id: str | None
    evaluation: DealEvaluation | None
    tasks: tuple[DealTask, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
    snoozes: tuple[Snooze, ...] = ()
    gates_in_force: frozenset[str] | None = None  # enabled gates for the deal's pipeline


class PlannedCreate:
    """A task the planner wants created: its deal, gate and owner, and its texts (`task`).

    The texts are written on first use of `task` when the planner drafts it (`drafted`): in a big
    pipeline most failing gates wait in the per-owner quota (`OwnerQuota`) and are not created in
    this cycle, and writing every one's subject and body cost more than judging the deal.
    """

    __slots__ = ("_task", "_write", "deal_id", "deal_name", "gate_id", "owner_id", "rank")

    def __init__(self, task: TaskCreate, deal_name: str, rank: tuple[int, int, int]) -> None:
        self.deal_id, self.gate_id, self.owner_id = task.deal_id, task.gate_id, task.owner_id
        self.deal_name = deal_name
        # lower first: (skipped phase ? 0 : 1, phase order, catalog order)
        self.rank = rank
        self._task: TaskCreate | None = task
        self._write: Callable[[], TaskCreate] | None = None

    @classmethod
    def drafted(
        cls,
        identity: tuple[str, str, str],
        write: Callable[[], TaskCreate],
        deal_name: str,
        rank: tuple[int, int, int],
    ) -> PlannedCreate:
        """A create whose task `write` makes when first asked for; `identity` is its
        (deal id, gate id, owner id), as the task will have them."""
        self = cls.__new__(cls)
        self.deal_id, self.gate_id, self.owner_id = identity
        self.deal_name, self.rank = deal_name, rank
        self._task, self._write = None, write
        return self

    @property
    def task(self) -> TaskCreate:
        """The task to create, its subject and body written once."""
        if self._task is None:
            assert self._write is not None
            self._task, self._write = self._write(), None
        return self._task


@dataclass(frozen=True, slots=True)
class PlannedComplete:
    task: TaskComplete
    deal_name: str
    reason: str  # PASSED | LEFT_SCOPE | DELETED | MOOT | GATE_OFF


@dataclass
class DealPlan:
    """The planner's answer for one deal. `ledger` and `snoozes` are state updates to store."""

    deal_id: str
    creates: list[PlannedCreate] = field(default_factory=list)
    completes: list[PlannedComplete] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    snoozes: list[Snooze] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    snoozed: list[str] = field(default_factory=list)  # gate ids left alone: snooze running
    duplicates: list[str] = field(default_factory=list)  # gate ids with several open tasks


class PlannedGate(GateWording, Protocol):
    """A gate as the planner needs it: its wording and its phase (`gates.Gate` fits)."""

    @property
    def phase(self) -> Phase: ...

    @property
    def qualifying(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What stays the same for every deal of a cycle."""

    policy: TasksSettings
    gates: Mapping[str, PlannedGate]  # catalog order
    owners: Mapping[str, Owner]
    now: datetime
    labels: Mapping[str, str] = field(default_factory=dict)  # attribute -> the CRM's field label
    # Worked out once per cycle, not once per deal:
    catalog_order: Mapping[str, int] = field(init=False, repr=False, compare=False)
    due: date = field(init=False, repr=False, compare=False)  # of the tasks created now
    snooze_for: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = {gate_id: i for i, gate_id in enumerate(self.gates)}
        object.__setattr__(self, "catalog_order", order)
        object.__setattr__(self, "due", (self.now + timedelta(days=self.policy.due_in_days)).date())
        object.__setattr__(self, "snooze_for", timedelta(days=self.policy.snooze_days))


def resolve_owner(
    owner_id: str | None, owners: Mapping[str, Owner], fallback: str | None
) -> str | None:
    """The deal owner when active; else the fallback unless it is known inactive; else None."""
    owner = owners.get(owner_id) if owner_id else None
    if owner is not None and owner.active:
        return owner.id
    if fallback:
        known = owners.get(fallback)
        if known is None or known.active:
            return fallback
    return None


def priority_rank(result: GateResult, catalog_index: int) -> tuple[int, int, int]:
    """Sort key of a new task, lower first."""
    return (0 if result.skipped_phase else 1, PHASE_ORDER[result.phase], catalog_index)


def _reconcile_ledger(
    deal: DealState, results: Mapping[str, GateResult], ctx: PlanContext, plan: DealPlan
) -> None:
    """Compare what dealgate believes open with what the CRM shows; note rep closings."""
    seen = {t.id: t for t in deal.tasks}
    known_snoozes = {s.task_id for s in deal.snoozes}
    snooze_for = ctx.snooze_for
    for entry in deal.ledger:
        if entry.task_id is None or entry.state not in (TaskState.OPEN, TaskState.COMPLETING):
            continue
        task = seen.get(entry.task_id)
        if task is not None and task.is_open:
            if entry.state is TaskState.COMPLETING:  # the completion never landed
                plan.ledger.append(_with_state(entry, TaskState.OPEN))
            continue
        if entry.state is TaskState.COMPLETING:
            plan.ledger.append(_with_state(entry, TaskState.COMPLETED))
            continue
        plan.ledger.append(_with_state(entry, TaskState.CLOSED_BY_REP))
        result = results.get(entry.gate_id)
        if result is not None and result.failed and entry.task_id not in known_snoozes:
            plan.snoozes.append(
                Snooze(deal.deal_id, entry.gate_id, entry.task_id, ctx.now + snooze_for)
            )


def _adopt_and_snooze_unknown(
    deal: DealState, results: Mapping[str, GateResult], ctx: PlanContext, plan: DealPlan
) -> None:
    """Marker tasks the ledger does not know: adopt open ones, snooze on completed ones."""
    known = {e.task_id: e for e in deal.ledger if e.task_id is not None}
    known_snoozes = {s.task_id for s in deal.snoozes}
    snooze_for = ctx.snooze_for
    for task in deal.tasks:
        if task.id in known:
            continue
        if task.is_open:
            plan.ledger.append(
                LedgerEntry(deal.deal_id, task.gate_id, task.id, TaskState.OPEN, task.owner_id)
            )
            continue
        result = results.get(task.gate_id)
        if result is None or not result.failed or task.id in known_snoozes:
            continue
        until = (task.completed_at or ctx.now) + snooze_for
        if until > ctx.now:
            plan.snoozes.append(Snooze(deal.deal_id, task.gate_id, task.id, until))


def _with_state(entry: LedgerEntry, state: TaskState) -> LedgerEntry:
    return replace(entry, state=state)


def _complete_all(
    deal: DealState, open_tasks: Sequence[DealTask], reason: str, plan: DealPlan
) -> None:
    for task in open_tasks:
        plan.completes.append(
            PlannedComplete(TaskComplete(task.id, deal.deal_id, task.gate_id), deal.name, reason)
        )


def _task_create(
    deal: DealState,
    gate: PlannedGate,
    result: GateResult,
    phase: Phase,
    owner: str,
    due: date,
    ctx: PlanContext,
    also: Sequence[PlannedGate],
) -> TaskCreate:
    """The task for a failing gate of `deal`, its subject and body in the tasks' language."""
    lang = ctx.policy.language
    return TaskCreate(
        deal_id=deal.deal_id,
        gate_id=result.gate_id,
        owner_id=owner,
        subject=task_subject(gate, lang),
        body=task_body(
            gate,
            result.reasons,
            deal.name,
            lang,
            closes_itself=ctx.policy.close_when_passed,
            fields=ctx.labels,
            skipped=(result.phase.value, phase.value) if result.skipped_phase else None,
            also=also,
        ),
        due=due,
        priority=Priority.HIGH if result.skipped_phase else Priority.NORMAL,
    )


def plan_deal(deal: DealState, ctx: PlanContext) -> DealPlan:
    """Decide create / complete / leave alone for every gate of one deal."""
    plan = DealPlan(deal.deal_id)
    evaluation = deal.evaluation
    results: dict[str, GateResult] = {}
    if evaluation is not None and (deal.ledger or deal.tasks):  # most deals have neither
        results = {r.gate_id: r for r in evaluation.results}
    _reconcile_ledger(deal, results, ctx, plan)
    _adopt_and_snooze_unknown(deal, results, ctx, plan)

    open_by_gate: dict[str, list[DealTask]] = defaultdict(list)
    for task in deal.tasks:
        if task.is_open:
            open_by_gate[task.gate_id].append(task)
    if evaluation is None:
        for gate_id in open_by_gate:
            _complete_all(deal, open_by_gate[gate_id], LEFT_SCOPE, plan)
        return plan

    pending = {e.gate_id for e in deal.ledger if e.state is TaskState.INTENT}
    snoozed_until: dict[str, datetime] = {}
    for snooze in (*deal.snoozes, *plan.snoozes):
        if snooze.until > snoozed_until.get(snooze.gate_id, ctx.now):
            snoozed_until[snooze.gate_id] = snooze.until
    owner: str | None = None
    owner_resolved = False
    order = ctx.catalog_order
    due = ctx.due
    unowned = 0
    covered = shared_causes(evaluation.failing)
    also: dict[str, list[PlannedGate]] = defaultdict(list)
    for gate_id, by in covered.items():
        if gate_id in ctx.gates:
            also[by].append(ctx.gates[gate_id])
    close_when_passed = ctx.policy.close_when_passed
    none: tuple[DealTask, ...] = ()
    for result in evaluation.results:
        outcome = result.outcome
        if outcome is _NOT_EVALUATED:
            continue
        gate_id = result.gate_id
        open_tasks = open_by_gate.get(gate_id, none) if open_by_gate else none
        if outcome is _PASSED:
            if open_tasks and close_when_passed:
                _complete_all(deal, open_tasks, PASSED, plan)
            continue
        if len(open_tasks) > 1:
            plan.duplicates.append(gate_id)
        if open_tasks or gate_id in pending or gate_id in covered:
            continue
        if gate_id in snoozed_until:
            plan.snoozed.append(gate_id)
            continue
        gate = ctx.gates.get(gate_id)
        if gate is None:  # the catalog no longer has it: nothing to say in a task
            continue
        if not evaluation.qualified and not gate.qualifying:
            continue  # the deal is not yet qualified: only the tasks that decide it
        if not owner_resolved:
            owner = resolve_owner(deal.owner_id, ctx.owners, ctx.policy.fallback_owner)
            owner_resolved = True
        if owner is None:
            unowned += 1
            continue
        write = partial(
            _task_create,
            deal,
            gate,
            result,
            evaluation.phase,
            owner,
            due,
            ctx,
            also.get(gate_id, ()),
        )
        rank = priority_rank(result, order[gate_id])
        plan.creates.append(
            PlannedCreate.drafted((deal.deal_id, gate_id, owner), write, deal.name, rank)
        )
    if close_when_passed:
        in_force = deal.gates_in_force
        for gate_id, open_tasks in open_by_gate.items():
            gate = ctx.gates.get(gate_id)
            if in_force is not None and gate_id not in in_force:
                _complete_all(deal, open_tasks, GATE_OFF, plan)
            elif (
                evaluation.phase in WON_PHASES
                and gate_id not in results
                and gate is not None
                and gate.phase in SELLING_PHASES
            ):
                _complete_all(deal, open_tasks, MOOT, plan)
    if unowned:
        plan.findings.append(no_owner_finding(deal.owner_id, unowned))
    return plan


def no_owner_finding(owner_id: str | None, tasks: int, *, planned: bool = False) -> Finding:
    """The `no_owner` finding: `tasks` task(s) have nobody to go to (`planned`: in an audit,
    which writes nothing, they would not be created)."""
    who = (
        f"the deal's owner {owner_id} is inactive or unknown"
        if owner_id
        else "the deal has no owner"
    )
    verb = "would not be created" if planned else "not created"
    return Finding(
        FindingCode.NO_OWNER,
        f"{tasks} task(s) {verb}: {who} and no usable tasks.fallback_owner is set",
        {"owner_id": owner_id, "tasks": tasks, "planned": planned},
    )


def plan_deleted(deal_id: str, ledger: Sequence[LedgerEntry]) -> list[PlannedComplete]:
    """A deal deleted in the CRM: complete the tasks dealgate believes open, where they exist."""
    return [
        PlannedComplete(TaskComplete(e.task_id, deal_id, e.gate_id), "", DELETED)
        for e in ledger
        if e.task_id is not None and e.state in (TaskState.OPEN, TaskState.COMPLETING)
    ]
