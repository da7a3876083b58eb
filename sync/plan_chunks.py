"""Planning deals a chunk at a time: one state lookup and one state write per chunk, not per deal.

A cycle hands each evaluated deal to a `PlanChunk`. When the chunk is full (or the same deal
comes again, which a read paging over changing records can do), the chunk looks up the ledger
entries and snoozes of every deal in it that may have any (tracked, or showing marker tasks) in
one query each, plans each deal, and records what the plans learned of their tasks (adoptions,
closings by reps, snoozes) in one transaction, before the cycle acts on the plans. A deal's
ledger therefore reaches the state before any completion of its tasks is written, as when deals
were planned one at a time, and a crash loses at most the chunk's observations, which the next
cycle makes again from the CRM.
"""

from __future__ import annotations

from typing import NamedTuple

from gates.results import DealEvaluation
from gates.snapshot import DealTask
from state.base import LedgerEntry, Snooze, StateStore
from sync.planner import DealPlan, DealState, PlanContext, plan_deal

CHUNK_SIZE = 200  # deals planned together; bounded memory, one lookup and one commit per chunk


class PendingDeal(NamedTuple):
    """A deal waiting in a chunk: what its plan needs besides the state's ledger and snoozes."""

    deal_id: str
    name: str
    owner_id: str | None
    evaluation: DealEvaluation | None  # None: out of scope (closed lost, unmapped stage)
    tasks: tuple[DealTask, ...]
    gates_in_force: frozenset[str] | None


class PlanChunk:
    """Deals waiting to be planned together; `plan` plans them and empties the chunk."""

    def __init__(
        self,
        store: StateStore,
        ctx: PlanContext,
        tracked: set[str],
        *,
        dry: bool,
        size: int = CHUNK_SIZE,
    ) -> None:
        self.store = store
        self.ctx = ctx
        self.tracked = tracked  # deals with an active ledger entry or a snooze
        self.dry = dry
        self.size = max(1, size)
        self._deals: list[PendingDeal] = []
        self._ids: set[str] = set()

    def holds(self, deal_id: str) -> bool:
        """Whether the deal already waits in this chunk (plan the chunk before adding it again)."""
        return deal_id in self._ids

    @property
    def full(self) -> bool:
        return len(self._deals) >= self.size

    def add(self, deal: PendingDeal) -> None:
        self._deals.append(deal)
        self._ids.add(deal.deal_id)

    def plan(self) -> list[tuple[PendingDeal, DealPlan]]:
        """Plan every waiting deal, record the plans' ledger entries and snoozes (unless dry),
        and empty the chunk; the plans in the order the deals came."""
        deals, self._deals = self._deals, []
        self._ids = set()
        if not deals:
            return []
        # The ledger also says which of a deal's closed marker tasks dealgate completed itself
        # (no snooze for those), so a deal that shows marker tasks is looked up even when none
        # of its entries is active any more.
        wanted = [d.deal_id for d in deals if d.tasks or d.deal_id in self.tracked]
        ledgers = self.store.entries_of(wanted) if wanted else {}
        snoozes = self.store.snoozes_of(wanted) if wanted else {}
        plans = [(deal, plan_deal(_state(deal, ledgers, snoozes), self.ctx)) for deal in deals]
        if not self.dry:
            entries = [entry for _, plan in plans for entry in plan.ledger]
            new_snoozes = [snooze for _, plan in plans for snooze in plan.snoozes]
            if entries or new_snoozes:
                self.store.record(entries, new_snoozes, self.ctx.now)
        return plans


def _state(
    deal: PendingDeal,
    ledgers: dict[str, list[LedgerEntry]],
    snoozes: dict[str, list[Snooze]],
) -> DealState:
    return DealState(
        deal_id=deal.deal_id,
        name=deal.name,
        owner_id=deal.owner_id,
        evaluation=deal.evaluation,
        tasks=deal.tasks,
        ledger=tuple(ledgers.get(deal.deal_id, ())),
        snoozes=tuple(snoozes.get(deal.deal_id, ())),
        gates_in_force=deal.gates_in_force,
    )
