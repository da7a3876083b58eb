"""Deals a full read no longer returns: deleted, or merely not returned this time?

A deal missing from a full read is not proof of its deletion: an answer cut short, a proxy, or
an integration user that lost "View All" all make deals vanish that still exist. Their open tasks
are completed only once the CRM confirms the deletion (`Connector.confirm_deleted`, whose cost
grows with the number of vanished deals, not of all deals). A vanished deal the CRM does not
confirm is left as it is, tasks and ledger, and asked about again at the next full read.

When a full read returns no deal at all while dealgate tracks some, or fewer than half of the
tracked deals, and the CRM does not confirm every vanished one deleted, the cycle stops
(`ImplausibleRead`) before it writes anything more: no task is completed for a vanished deal and
no new task is written.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from connector.base import Connector
from connector.errors import UnexpectedAnswer


class ImplausibleRead(UnexpectedAnswer):
    """A full read that lost too many tracked deals without the CRM confirming their deletion."""


@dataclass(frozen=True, slots=True)
class Vanished:
    """What became of the tracked deals a full read did not return."""

    deleted: list[str]  # confirmed by the CRM: their tasks are completed
    unconfirmed: list[str]  # left alone this cycle


def settle_vanished(
    connector: Connector,
    tracked: Collection[str],
    seen: Collection[str],
    deals_read: int,
    already_deleted: Sequence[str] = (),
) -> Vanished:
    """Ask the CRM about the tracked deals a full read did not return; raise ImplausibleRead
    when the read lost too many (see the module docstring)."""
    known = set(already_deleted)
    missing = sorted(set(tracked) - set(seen) - known)
    if not missing:
        return Vanished([], [])
    confirmed = connector.confirm_deleted(missing)
    unconfirmed = [d for d in missing if d not in confirmed]
    returned = len(set(tracked) & set(seen))
    if unconfirmed and (deals_read == 0 or 2 * returned < len(tracked)):
        raise ImplausibleRead(
            f"the full read returned {deals_read} deal(s), {returned} of the {len(tracked)} "
            f"dealgate tracks, and the CRM does not confirm {len(unconfirmed)} of the others "
            "deleted: nothing completed, the next cycle reads again (check the integration "
            "user's access to every deal)"
        )
    return Vanished([d for d in missing if d in confirmed], unconfirmed)
