"""Leases on a real PostgreSQL server: taking, renewing, expiry, handing back, and the fence that
keeps a worker whose lease was taken over from writing anything."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from psycopg_pool import ConnectionPool

from state.base import LedgerEntry, TaskState
from state.leases import Fenced, LeaseBook, live_workers, tenant_statuses
from state.postgres import PostgresStateStore
from state.postgres_schema import migrate

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TENANTS = ["acme", "globex", "initech"]


@pytest.fixture
def pool(postgres_url: str) -> Iterator[ConnectionPool]:
    with ConnectionPool(postgres_url, min_size=1, max_size=4, kwargs={"autocommit": True}) as p:
        with p.connection() as conn:
            migrate(conn, "test")
        yield p


def expire(pool: ConnectionPool, tenant: str) -> None:
    """What the clock does to a lease nobody renews (without waiting for it)."""
    with pool.connection() as conn:
        conn.execute(
            "UPDATE lease SET expires_at = clock_timestamp() - interval '1 second' "
            "WHERE tenant_id = %s",
            (tenant,),
        )


def test_a_free_tenant_goes_to_one_worker_only(pool: ConnectionPool) -> None:
    one, two = LeaseBook(pool, "w1", 30), LeaseBook(pool, "w2", 30)
    one.register(TENANTS)
    two.register(TENANTS)  # registering twice changes nothing
    assert [lease.tenant for lease in one.acquire(TENANTS, 2)] == ["acme", "globex"]
    assert [lease.tenant for lease in two.acquire(TENANTS, 5)] == ["initech"]
    assert one.acquire(TENANTS, 5) == [] and two.acquire(TENANTS, 5) == []
    with pool.connection() as conn:
        holders = {s.tenant: (s.holder, s.epoch) for s in tenant_statuses(conn)}
    assert holders == {"acme": ("w1", 1), "globex": ("w1", 1), "initech": ("w2", 1)}


def test_an_expired_lease_is_taken_over_with_the_next_epoch_and_the_old_holder_is_fenced(
    pool: ConnectionPool, postgres_url: str
) -> None:
    one, two = LeaseBook(pool, "w1", 30), LeaseBook(pool, "w2", 30)
    one.register(TENANTS)
    [old] = one.acquire(["acme"], 1)
    store = PostgresStateStore(postgres_url, tenant="acme", pool=pool, fence=old)
    store.save_cursor({"deals": "1"})  # the holder writes
    assert two.acquire(["acme"], 1) == []  # not while the lease runs
    expire(pool, "acme")
    [new] = two.acquire(["acme"], 1)
    assert (new.holder, new.epoch) == ("w2", old.epoch + 1)
    assert one.renew({"acme": old.epoch}) == set()  # the old holder learns it lost the tenant
    with pytest.raises(Fenced):
        store.save_cursor({"deals": "2"})
    with pytest.raises(Fenced):
        store.add_intents([LedgerEntry("d1", "g1", None, TaskState.INTENT)], NOW)
    with pytest.raises(Fenced):
        one.check(old, margin_seconds=0)
    with pytest.raises(Fenced):
        one.record_cycle(old, "ok", None, 60)
    fresh = PostgresStateStore(postgres_url, tenant="acme", pool=pool, fence=new)
    assert fresh.cursor() == {"deals": "1"} and fresh.intents() == []  # nothing got through
    fresh.save_cursor({"deals": "3"})
    assert two.renew({"acme": new.epoch}) == {"acme"}


def test_a_write_batch_needs_a_margin_of_the_lease_left(pool: ConnectionPool) -> None:
    book = LeaseBook(pool, "w1", 30)
    book.register(["acme"])
    [lease] = book.acquire(["acme"], 1)
    book.check(lease, margin_seconds=10)  # 30 s left
    with pytest.raises(Fenced, match="about to expire"):
        book.check(lease, margin_seconds=40)


def test_a_handed_back_tenant_is_free_at_once_and_a_leaving_worker_is_not_counted(
    pool: ConnectionPool,
) -> None:
    one, two = LeaseBook(pool, "w1", 30), LeaseBook(pool, "w2", 30)
    one.register(TENANTS)
    assert one.heartbeat() == 1
    assert two.heartbeat() == 2
    leases = one.acquire(TENANTS, 3)
    for lease in leases:
        one.release(lease)
    one.leave()
    assert len(two.acquire(TENANTS, 3)) == 3  # no waiting for an expiry
    with pool.connection() as conn:
        assert live_workers(conn) == ["w2"]


def test_a_takeover_waits_for_a_state_commit_in_flight(
    pool: ConnectionPool, postgres_url: str
) -> None:
    """The fence check holds a share lock on the lease row: a takeover that starts during the
    holder's transaction skips the row, so the commit and the takeover never interleave."""
    one, two = LeaseBook(pool, "w1", 30), LeaseBook(pool, "w2", 30)
    one.register(["acme"])
    [lease] = one.acquire(["acme"], 1)
    expire(pool, "acme")
    store = PostgresStateStore(postgres_url, tenant="acme", pool=pool, fence=lease)
    with store._transaction() as db:
        db.execute("SELECT 1")  # inside the fenced transaction: the row is share-locked
        assert two.acquire(["acme"], 1) == []
    assert [new.epoch for new in two.acquire(["acme"], 1)] == [lease.epoch + 1]


def test_status_shows_no_holder_for_an_expired_lease(pool: ConnectionPool) -> None:
    book = LeaseBook(pool, "w1", 30)
    book.register(["acme"])
    [lease] = book.acquire(["acme"], 1)
    book.record_cycle(lease, "failed", "HubSpot refused the token", 60)
    expire(pool, "acme")
    with pool.connection() as conn:
        [status] = tenant_statuses(conn)
    assert (status.holder, status.last_status, status.last_error) == (
        None, "failed", "HubSpot refused the token",
    )  # fmt: skip
    assert status.next_due is not None and status.last_cycle_at is not None
