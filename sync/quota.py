"""The per-owner cap on new tasks: at most `limit` per owner over a rolling 24 hours, the
highest priority ones, with memory bounded by owners x limit (`tasks.max_new_per_owner`)."""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from sync.planner import PlannedCreate


class OwnerQuota:
    """At most `limit` new tasks per owner over a rolling 24 hours, the highest priority ones.

    `used` says how many tasks each owner already received within the window (the state keeps
    them), so an owner's room in this cycle is `limit - used`. Memory is bounded by owners x
    limit, whatever the number of deals: each owner keeps a heap of its best creates so far, and
    an offer that does not fit pushes out the worst one. A create for a (deal, gate) already kept
    is ignored: a deal the CRM returns twice in one read (paging over records that change under
    it) never gets two tasks for one gate.
    """

    def __init__(self, limit: int, used: Mapping[str, int] | None = None) -> None:
        self.limit = limit
        self.used = dict(used or {})
        self._heaps: dict[str, list[tuple[tuple[int, int, int, int], int, PlannedCreate]]] = {}
        self._kept: set[tuple[str, str]] = set()
        self._rooms: dict[str, int] = {}  # room per owner, worked out at the owner's first offer
        self._seq = 0
        self.deferred = 0
        self.deferred_owners: set[str] = set()

    def room(self, owner_id: str) -> int:
        """New tasks `owner_id` may still receive in this cycle."""
        return max(0, self.limit - self.used.get(owner_id, 0))

    def offer(self, create: PlannedCreate) -> PlannedCreate | None:
        """Keep `create` if it fits; return what was deferred (it, or one it pushed out)."""
        identity = (create.deal_id, create.gate_id)
        if identity in self._kept:
            return None
        self._seq += 1
        owner_id = create.owner_id
        heap = self._heaps.get(owner_id)
        if heap is None:  # the owner's first offer of the cycle: `used` is fixed from here on
            heap = self._heaps[owner_id] = []
            self._rooms[owner_id] = self.room(owner_id)
        room = self._rooms[owner_id]
        if room <= 0:
            self.deferred += 1
            self.deferred_owners.add(owner_id)
            return create
        first, second, third = create.rank
        negated = (-first, -second, -third, -self._seq)
        if len(heap) < room:
            heapq.heappush(heap, (negated, self._seq, create))
            self._kept.add(identity)
            return None
        self.deferred += 1
        self.deferred_owners.add(owner_id)
        if negated > heap[0][0]:  # better than the worst kept one
            _, _, worst = heapq.heapreplace(heap, (negated, self._seq, create))
            self._kept.add(identity)
            self._kept.discard((worst.deal_id, worst.gate_id))
            return worst
        return create

    def drain(self) -> list[PlannedCreate]:
        """Every kept create, best first; the quota is empty afterwards."""
        kept = [item for heap in self._heaps.values() for item in heap]
        self._heaps.clear()
        self._rooms.clear()
        self._kept.clear()
        kept.sort(key=lambda item: item[0], reverse=True)
        return [create for _, _, create in kept]

    def __len__(self) -> int:
        return sum(len(h) for h in self._heaps.values())
