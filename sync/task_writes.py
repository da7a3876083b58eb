"""The task half of a cycle's writes: completions in batches as they are planned, creates once
the deal stream has ended (what the per-owner quota kept, best first).

Crash safety (docs/design.md section 3): before each create batch an `intent` per task is committed
to the ledger, and the CRM ids after the write; a batch that fails is reconciled by marker at once
or at the next start (`sync.recovery`). A completion is recorded `completing` before its write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from connector.base import Connector, WriteResult
from connector.errors import CRMError
from state.base import LedgerEntry, StateStore, TaskState
from sync.cycle import CycleReport, PlannedAction
from sync.logs import get_logger
from sync.planner import PlannedComplete, PlannedCreate
from sync.quota import OwnerQuota

log = get_logger("dealgate.engine")


class WritingEngine(Protocol):
    """What the task writes need of `sync.engine.Engine`."""

    connector: Connector
    store: StateStore
    batch_size: int
    clock: Callable[[], datetime]
    # raises `state.leases.Fenced` once this worker no longer holds the tenant (`dealgate serve`)
    fence: Callable[[], None]

    def reconcile_intents(self, intents: Sequence[LedgerEntry]) -> None: ...


class TaskBatches:
    """Writes one cycle's task actions in batches of `engine.batch_size` (a dry run records
    them as planned actions instead). `stopping` says when a stop was requested."""

    def __init__(
        self,
        engine: WritingEngine,
        report: CycleReport,
        now: datetime,
        dry: bool,
        quota: OwnerQuota,
        stopping: Callable[[], bool],
    ) -> None:
        self.e = engine
        self.report = report
        self.now = now
        self.dry = dry
        self.quota = quota
        self.completions: list[PlannedComplete] = []
        self._stopping = stopping

    @property
    def stopping(self) -> bool:
        return self._stopping()

    def flush_completions(self) -> None:
        while self.completions:
            batch, self.completions = (
                self.completions[: self.e.batch_size],
                self.completions[self.e.batch_size :],
            )
            self._write_completions(batch)

    def _write_completions(self, batch: list[PlannedComplete]) -> None:
        report = self.report
        if self.dry:
            for c in batch:
                report.add_action(PlannedAction.completing(c))
            return
        store, now = self.e.store, self.now
        store.upsert([_entry(c, TaskState.COMPLETING) for c in batch], now)
        self.e.fence()
        results = self.e.connector.write([], [c.task for c in batch])
        by_task = {r.task_id: r for r in results if r.op == "complete" and r.task_id}
        by_gate = {(r.deal_id, r.gate_id): r for r in results if r.op == "complete"}
        settled: list[LedgerEntry] = []
        for c in batch:
            t = c.task
            result = by_task.get(t.task_id) or by_gate.get((t.deal_id, t.gate_id))
            ok = result is not None and result.ok
            report.add_action(PlannedAction.completing(c, result))
            if ok:
                report.tasks_completed += 1
            elif c.reason == "deleted":  # a deleted deal's tasks may be gone with it
                pass
            elif result is None:  # the answer did not say: the next read shows what happened
                log.warning("complete_outcome_unknown", deal_id=t.deal_id, gate_id=t.gate_id)
                continue  # the entry stays COMPLETING
            else:
                report.tasks_refused += 1
                _log_refusal("complete", t.deal_id, t.gate_id, result)
            gone_anyway = ok or c.reason == "deleted"
            settled.append(_entry(c, TaskState.COMPLETED if gone_anyway else TaskState.OPEN))
        store.upsert(settled, self.e.clock())

    def flush_creates(self) -> None:
        pending = self.quota.drain()
        for start in range(0, len(pending), self.e.batch_size):
            if self.stopping:
                return
            self._write_creates(pending[start : start + self.e.batch_size])

    def _write_creates(self, batch: list[PlannedCreate]) -> None:
        report, store = self.report, self.e.store
        if self.dry:
            for c in batch:
                report.add_action(PlannedAction.creating(c))
            return
        intents = store.add_intents(
            [LedgerEntry(c.deal_id, c.gate_id, None, TaskState.INTENT, c.owner_id) for c in batch],
            self.now,
        )
        self.e.fence()
        try:
            results = self.e.connector.write([c.task for c in batch], [])
        except CRMError:
            # the batch may have landed in part: settle what can be settled now, or next start
            try:
                self.e.reconcile_intents(intents)
            except CRMError as again:
                log.warning("reconcile_deferred", error=str(again))
            raise
        by_gate: dict[tuple[str, str], WriteResult] = {
            (r.deal_id, r.gate_id): r for r in results if r.op == "create"
        }
        opened: list[LedgerEntry] = []
        refused: list[int] = []
        unsure: list[LedgerEntry] = []
        for c, intent in zip(batch, intents, strict=True):
            result = by_gate.get((c.deal_id, c.gate_id))
            report.add_action(PlannedAction.creating(c, result))
            if result is not None and result.ok and result.task_id:
                report.tasks_created += 1
                opened.append(
                    LedgerEntry(
                        intent.deal_id,
                        intent.gate_id,
                        result.task_id,
                        TaskState.OPEN,
                        intent.owner_id,
                        row=intent.row,
                    )
                )
            elif result is not None and not result.ok:
                report.tasks_refused += 1
                refused.append(intent.row)
                _log_refusal("create", c.deal_id, c.gate_id, result)
            else:  # no answer for this item: find out from the CRM itself
                unsure.append(intent)
        store.upsert(opened, self.e.clock())
        store.record_tasks_created([e.owner_id or "" for e in opened], self.now)
        store.drop(refused)
        if unsure:
            self.e.reconcile_intents(unsure)


def _entry(c: PlannedComplete, state: TaskState) -> LedgerEntry:
    return LedgerEntry(c.task.deal_id, c.task.gate_id, c.task.task_id, state)


def _log_refusal(op: str, deal_id: str, gate_id: str, result: WriteResult | None) -> None:
    log.warning(
        "task_refused",
        op=op,
        deal_id=deal_id,
        gate_id=gate_id,
        error_code=result.error_code if result else None,
        message=result.message if result else "no result for this item",
    )
