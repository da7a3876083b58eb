"""One sync cycle: read deals, evaluate, plan, write tasks in batches, record.

Crash safety (docs/design.md section 3): before each create batch the engine commits an `intent` per
task to the ledger, and the CRM ids after the write (the batches: `sync.task_writes`). Intents
left by a crash are reconciled at the start of the next cycle through
`Connector.find_marker_tasks` (a consistent read of each deal's tasks) before anything is
written: a task that reached the CRM is adopted, one that did not is planned again. Killing the
process at any point therefore neither duplicates nor loses a task.

Memory stays flat in the number of deals: deals stream through, completions are written in
batches as they are planned, and creates wait in a per-owner quota bounded by owners x cap
(`sync.quota.OwnerQuota`) until the stream ends, so that the cap keeps the highest priority.
When a cycle reads every deal is decided in `sync.cadence`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from connector.base import Connector, DealStream, RawDeal
from connector.errors import CRMError
from gates import Catalog
from mappings import CrmMapping, UnmappedStage
from mappings.normalize import deal_task
from state.base import LedgerEntry, StateStore
from sync.cadence import CAP_WINDOW, catch_up_at, full_reason
from sync.config import Settings
from sync.cycle import CycleReport
from sync.evaluate import EvaluationRun, evaluate_stream
from sync.fingerprint import method_fingerprint
from sync.logs import get_logger
from sync.metadata import CrmMetadata, attribute_labels
from sync.plan_chunks import PendingDeal, PlanChunk
from sync.planner import (
    DealPlan,
    PlanContext,
    plan_deleted,
)
from sync.quota import OwnerQuota
from sync.recovery import reconcile_intents
from sync.task_writes import TaskBatches
from sync.vanished import settle_vanished
from sync.verdict import verdict_language
from sync.verdict_writes import VerdictBatches, active_fields

log = get_logger("dealgate.engine")

Clock = Callable[[], datetime]
BATCH_SIZE = 200  # one Salesforce sObject Collections call; two HubSpot batch calls
PROGRESS_EVERY = 1000  # deals between `cycle_progress` log events (a big account reads long)
LEDGER_KEEP_DAYS = 90  # completed and rep-closed ledger rows are kept this long (at least)


def ledger_cutoff(now: datetime, snooze_days: int) -> datetime:
    """Completed and rep-closed ledger rows last changed before this are forgotten: after
    `LEDGER_KEEP_DAYS`, or `snooze_days` + 30 when longer. By then the task is past every window
    in which it still matters (closed tasks are read back for max(14, snooze_days) days, and a
    closing starts a snooze of snooze_days), so the ledger stops growing with history."""
    return now - timedelta(days=max(LEDGER_KEEP_DAYS, snooze_days + 30))


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


class Engine:
    """Runs sync cycles for one connector, state store, mapping and gate catalog."""

    def __init__(
        self,
        settings: Settings,
        connector: Connector,
        store: StateStore,
        *,
        mapping: CrmMapping,
        catalog: Catalog,
        clock: Clock = utc_now,
        batch_size: int = BATCH_SIZE,
        progress_every: int = PROGRESS_EVERY,
        fence: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.connector = connector
        self.store = store
        self.mapping = mapping
        self.catalog = catalog
        self.clock = clock
        self.batch_size = max(1, batch_size)
        self.progress_every = max(1, progress_every)
        self.stop_requested = threading.Event()
        self.metadata: CrmMetadata | None = None  # read on full cycles (sync/metadata.py)
        self.fingerprint = method_fingerprint(mapping, catalog)
        # under `dealgate serve`: raises `state.leases.Fenced` once this worker no longer holds
        # the tenant; called right before every CRM write batch
        self.fence = fence or (lambda: None)

    def request_stop(self) -> None:
        """Finish the write batch in flight, then end the cycle without starting another."""
        self.stop_requested.set()

    def full_reason(self, now: datetime) -> str | None:
        """Why the next cycle must read every deal, or None (`sync.cadence.full_reason`)."""
        return full_reason(self.store, self.fingerprint, self.settings.full_rescan_hours, now)

    def wants_full(self, now: datetime) -> bool:
        """Full the first time, when the method changed, when deferred tasks fit again, and
        every `full_rescan_hours`."""
        return self.full_reason(now) is not None

    def run_cycle(self, full: bool | None = None, dry_run: bool = False) -> CycleReport:
        """One cycle. Raises CRMError when the cycle failed as a whole (nothing half-recorded:
        the cursor moves only after a complete cycle)."""
        dry = dry_run or self.settings.dry_run
        now = self.clock()
        reason = self.full_reason(now) if full is None else ("requested" if full else None)
        if reason is None and self.store.cursor() is None:
            reason = "first cycle"
        full = reason is not None
        report = CycleReport(full=full, dry_run=dry, started_at=now)
        calls_before = self.connector.api_calls
        run_id = None if dry else self.store.start_run(now, full=full)
        log.info("cycle_start", full=full, dry_run=dry, full_reason=reason)
        status = "failed"
        try:
            _Cycle(self, report, now, dry).run()
            status = "interrupted" if report.interrupted else "ok"
        except CRMError as exc:
            report.error_messages.append(f"cycle failed: {exc}")
            raise
        finally:
            report.api_calls = self.connector.api_calls - calls_before
            report.finished_at = self.clock()
            if run_id is not None:
                self.store.finish_run(
                    run_id,
                    report.finished_at,
                    status=status,
                    counts=report.counts(),
                    errors=report.error_messages,
                )
            log.info("cycle_done", status=status, **report.counts())
        return report

    def reconcile_intents(self, intents: Sequence[LedgerEntry]) -> None:
        """Settle intents left without a CRM id (see `sync.recovery`)."""
        reconcile_intents(self.connector, self.store, intents, self.clock())


class _Cycle:
    """The working state of one cycle (kept out of `Engine` so a cycle cannot leak into the
    next)."""

    def __init__(self, engine: Engine, report: CycleReport, now: datetime, dry: bool) -> None:
        self.e = engine
        self.report = report
        self.now = now
        self.dry = dry
        self.window = engine.store.tasks_created_since(now - CAP_WINDOW)
        self.quota = OwnerQuota(
            engine.settings.tasks.max_new_per_owner,
            {owner: len(times) for owner, times in self.window.items()},
        )
        self.tasks = TaskBatches(engine, report, now, dry, self.quota, lambda: self.stopping)
        self.tracked: set[str] = set()
        self.seen: set[str] = set()
        self.in_force: dict[str | None, frozenset[str]] = {}
        self.chunk: PlanChunk | None = None  # deals read and judged, waiting to be planned
        self.verdicts: VerdictBatches | None = None

    @property
    def stopping(self) -> bool:
        return self.e.stop_requested.is_set()

    def run(self) -> None:
        e, report = self.e, self.report
        if not self.dry:
            e.reconcile_intents(e.store.intents())
        if report.full or e.metadata is None:
            e.metadata = CrmMetadata.read(e.connector)
        stages, owners, existing = e.metadata.stages, e.metadata.owners, e.metadata.existing
        report.owner_names = {o.id: o.name for o in owners.values() if o.name}
        report.missing_fields = e.mapping.missing_fields(existing)
        if report.missing_fields:
            log.warning("missing_fields", fields=report.missing_fields)
        policy = e.settings.tasks
        spec = e.mapping.read_spec(existing, closed_task_days=max(14, policy.snooze_days))
        cursor = e.store.cursor()
        stream: DealStream = (
            e.connector.read_all(spec)
            if report.full or cursor is None
            else e.connector.read_changed(spec, cursor)
        )
        self.tracked = e.store.tracked_deals()
        labels = attribute_labels(e.mapping, e.metadata.labels)
        ctx = PlanContext(policy, {g.id: g for g in e.catalog.gates}, owners, self.now, labels)
        verdicts = self._verdicts(ctx, existing)
        run = EvaluationRun()

        self.chunk = PlanChunk(e.store, ctx, self.tracked, dry=self.dry)
        self.verdicts = verdicts

        def out_of_scope(raw: RawDeal, _: UnmappedStage) -> None:
            tasks = tuple(deal_task(t) for t in raw.tasks)
            self._wait(PendingDeal(raw.id, "", None, None, tasks, None))

        try:
            for item in evaluate_stream(
                self._raw(stream),
                e.mapping,
                e.catalog,
                stages,
                existing,
                self.now,
                run,
                on_unmapped=out_of_scope,
            ):
                snap = item.snapshot
                deal = PendingDeal(
                    snap.id,
                    snap.name,
                    snap.owner_id,
                    item.evaluation,
                    snap.tasks,
                    self._in_force(snap.pipeline),
                )
                self._wait(deal)
            self._plan()  # the last deals (a read that fails leaves them be)
        finally:
            report.deals_read = run.deals_read
            report.deals_evaluated = run.deals_evaluated
            report.deals_skipped = run.deals_skipped
            report.unmapped_stages = sum(run.unmapped_stages.values())
            report.unmapped = dict(run.unmapped_stages)
            report.warnings.extend(run.warnings)
            report.errors = run.deals_failed
            report.error_messages.extend(run.errors)
        if self.stopping:
            report.interrupted = True
            return
        # deleted deals: the delete log of an incremental read, or what a full read no longer has
        # once the CRM confirms the deletion (sync.vanished)
        gone = [d for d in stream.deleted_ids if d in self.tracked]
        if report.full:
            vanished = settle_vanished(e.connector, self.tracked, self.seen, run.deals_read, gone)
            gone += vanished.deleted
            if vanished.unconfirmed:
                report.warnings.append(
                    f"{len(vanished.unconfirmed)} tracked deal(s) missing from the full read "
                    "and not confirmed deleted by the CRM: their tasks are left open"
                )
                log.warning("deals_vanished_unconfirmed", deal_ids=vanished.unconfirmed[:20])
        for deal_id in gone:
            self.tasks.completions.extend(plan_deleted(deal_id, e.store.entries(deal_id)))
        self.tasks.flush_completions()
        if not self.dry and not self.stopping:
            for deal_id in gone:
                e.store.forget_deal(deal_id)
        self.tasks.flush_creates()
        report.tasks_deferred = self.quota.deferred
        if verdicts is not None and not self.stopping:
            verdicts.flush()
        if self.stopping:
            report.interrupted = True
            return
        if not self.dry:
            e.store.save_cursor(stream.cursor)
            if report.full:
                e.store.save_full_rescan(self.now)
                e.store.save_method_fingerprint(e.fingerprint)
                e.store.prune_snoozes(self.now)
                e.store.prune_ledger(ledger_cutoff(self.now, e.settings.tasks.snooze_days))
            # with max_new_per_owner 0 nothing is ever created, so nothing is waiting either:
            # a deferral must not turn every cycle into a full one (`catch_up_at` is None)
            window = e.store.tasks_created_since(self.now - CAP_WINDOW)
            limit = e.settings.tasks.max_new_per_owner
            e.store.save_catch_up_at(
                catch_up_at(window, self.quota.deferred_owners, limit, self.now)
            )

    def _verdicts(self, ctx: PlanContext, existing: set[str]) -> VerdictBatches | None:
        """The verdict writes of this cycle, None when `verdict.enabled` is off. A chosen field
        the CRM lacks is skipped with one warning."""
        e = self.e
        if not e.settings.verdict.enabled:
            return None
        keys, missing = active_fields(e.connector.crm, e.settings.verdict.fields, existing)
        if missing:
            text = "verdict field(s) missing in the CRM, not written: " + ", ".join(missing)
            self.report.warnings.append(text)
            log.warning("verdict_fields_missing", fields=missing)
        return VerdictBatches(
            e.connector,
            e.store,
            self.report,
            keys=keys,
            gates=ctx.gates,
            language=verdict_language(e.settings),
            now=self.now,
            dry=self.dry,
            batch_size=e.batch_size,
            fence=e.fence,
        )

    def _in_force(self, pipeline: str | None) -> frozenset[str]:
        key = self.e.catalog.pipeline_key(pipeline)
        if key not in self.in_force:
            gates = self.e.catalog.for_pipeline(pipeline)
            self.in_force[key] = frozenset(g.id for g in gates if g.enabled)
        return self.in_force[key]

    def _raw(self, stream: DealStream) -> Iterator[RawDeal]:
        every = self.e.progress_every
        for read, raw in enumerate(stream, start=1):
            if raw.id in self.tracked:
                self.seen.add(raw.id)
            yield raw
            if read % every == 0:
                self._plan()  # the counts below include every deal read so far
                log.info(
                    "cycle_progress",
                    deals_read=read,
                    tasks_to_create=len(self.quota),
                    tasks_completed=self.report.tasks_completed,
                    tasks_deferred=self.quota.deferred,
                )
            if self.stopping:
                return

    def _wait(self, deal: PendingDeal) -> None:
        """Put the deal in the chunk; plan the chunk when it is full, or first when it already
        holds the deal (read twice: its second plan must see what its first one recorded)."""
        chunk = self.chunk
        assert chunk is not None
        if chunk.holds(deal.deal_id):
            self._plan()
        chunk.add(deal)
        if chunk.full:
            self._plan()

    def _plan(self) -> None:
        """Plan the waiting deals and act on each plan, and on each deal's verdict."""
        verdicts, chunk = self.verdicts, self.chunk
        if chunk is None:
            return
        for deal, plan in chunk.plan():
            self._apply(plan)
            if verdicts is None:
                continue
            if deal.evaluation is None:
                verdicts.left_scope(deal.deal_id, deal.name)
            else:
                verdicts.offer(deal.deal_id, deal.name, deal.evaluation)

    # -- applying plans ----------------------------------------------------------------------
    def _apply(self, plan: DealPlan) -> None:
        """Act on a plan whose ledger entries and snoozes are recorded (`PlanChunk.plan`)."""
        for finding in plan.findings:
            self.report.add_finding(plan.deal_id, finding)
            log.warning(
                "deal_finding",
                deal_id=plan.deal_id,
                code=finding.code.value,
                message=finding.message,
            )
        for gate_id in plan.duplicates:
            log.warning("duplicate_tasks", deal_id=plan.deal_id, gate_id=gate_id)
        # A deferred create is counted (the cycle's tasks_deferred), not logged one by one: a
        # first cycle over a big pipeline defers tens of thousands.
        offer = self.quota.offer
        for create in plan.creates:
            offer(create)
        self.tasks.completions.extend(plan.completes)
        if len(self.tasks.completions) >= self.e.batch_size:
            self.tasks.flush_completions()
