"""Full or incremental: when the next cycle must read every deal (docs/design.md section 5).

A cycle is full the first time, when the mapping or the gate set differs from the last full
cycle's (`sync.fingerprint`), once the per-owner cap has room again for tasks it deferred, and
every `full_rescan_hours`; otherwise it reads only what changed since the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from state.base import StateStore

CAP_WINDOW = timedelta(days=1)  # `tasks.max_new_per_owner` counts over this rolling window


def full_reason(
    store: StateStore, fingerprint: str, full_rescan_hours: float, now: datetime
) -> str | None:
    """Why the next cycle must read every deal, or None when an incremental one will do."""
    last = store.last_full_rescan()
    if last is None or store.cursor() is None:
        return "first cycle"
    if store.method_fingerprint() != fingerprint:
        return "the mapping or the gates changed since the last full cycle"
    catch_up = store.catch_up_at()
    if catch_up is not None and now >= catch_up:
        return "deferred tasks fit under the per-owner cap again"
    if now - last >= timedelta(hours=full_rescan_hours):
        return "full_rescan_hours elapsed"
    return None


def catch_up_at(
    window: Mapping[str, Sequence[datetime]],
    deferred_owners: Iterable[str],
    limit: int,
    now: datetime,
) -> datetime | None:
    """When the first owner with deferred tasks has room under the cap again.

    `window` holds each owner's creations within the rolling window, oldest first. An owner at
    the cap has room once enough of them leave the window; one below it (a create was refused)
    has room at once. None when nothing was deferred or the cap is 0.
    """
    if limit <= 0:  # nothing is ever created, so nothing waits for room: no catch-up cycle
        return None
    times = [
        created[-limit] + CAP_WINDOW if len(created) >= limit else now
        for created in (window.get(owner, ()) for owner in deferred_owners)
    ]
    return min(times) if times else None
