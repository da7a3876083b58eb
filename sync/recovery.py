"""Crash recovery: settle the ledger's intents against what the CRM really holds.

An intent is committed before its create request is sent, and gets its CRM id after the answer.
A crash (or a lost answer) in between leaves an intent without an id. Before anything is written
again, the deal's marker tasks are read through `Connector.find_marker_tasks`, a read that is
consistent at once: a task for the intent's gate that the ledger does not know yet is the one that
landed and is adopted; when there is none, the write never landed and the intent is dropped, so
the planner plans the task again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from connector.base import Connector
from state.base import LedgerEntry, StateStore, TaskState
from sync.logs import get_logger

log = get_logger("dealgate.recovery")

FIND_BATCH = 100  # deals per find_marker_tasks call


def reconcile_intents(
    connector: Connector, store: StateStore, intents: Sequence[LedgerEntry], now: datetime
) -> None:
    """Adopt the marker task each intent produced, or drop the intent when none landed."""
    by_deal: dict[str, list[LedgerEntry]] = {}
    for entry in intents:
        by_deal.setdefault(entry.deal_id, []).append(entry)
    deal_ids = list(by_deal)
    for start in range(0, len(deal_ids), FIND_BATCH):
        chunk = deal_ids[start : start + FIND_BATCH]
        found = connector.find_marker_tasks(chunk)
        for deal_id in chunk:
            known = {e.task_id for e in store.entries(deal_id) if e.task_id}
            # open ones first, then the oldest: the one a rep is most likely to have seen
            tasks = sorted(
                (t for t in found.get(deal_id, []) if t.id not in known),
                key=lambda t: (not t.is_open, t.created_at or now),
            )
            adopted: list[LedgerEntry] = []
            dropped: list[int] = []
            for intent in by_deal[deal_id]:
                match = next((t for t in tasks if t.gate_id == intent.gate_id), None)
                if match is None:
                    dropped.append(intent.row)
                    continue
                tasks.remove(match)
                owner = match.owner_id or intent.owner_id
                adopted.append(
                    LedgerEntry(
                        deal_id, intent.gate_id, match.id, TaskState.OPEN, owner, row=intent.row
                    )
                )
            store.upsert(adopted, now)
            store.drop(dropped)
            if adopted or dropped:
                log.info(
                    "intents_reconciled",
                    deal_id=deal_id,
                    adopted=len(adopted),
                    dropped=len(dropped),
                )
