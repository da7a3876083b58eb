"""Incremental reads against the sandbox: equal timestamps, linked changes, archived deals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import sandbox.hubspot.search
from connector.base import TaskCreate
from connector.hubspot import vocab
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import SPEC, connect, search_calls

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _deal(hs: HubSpotSandbox, name: str = "Deal") -> str:
    return hs.store.create(
        "deals", {"dealname": name, "pipeline": "default", "dealstage": "qualifiedtobuy"}
    )


@pytest.fixture
def frozen(hs_empty: HubSpotSandbox) -> HubSpotSandbox:
    """An empty sandbox whose clock stands still at T0 (every write shares one timestamp)."""
    hs_empty.store.set_time(T0)
    return hs_empty


def _advance(hs: HubSpotSandbox, **delta: float) -> None:
    hs.store.set_time(hs.store.now() + timedelta(**delta))


def test_idle_cycle_is_one_call_per_object_read(frozen: HubSpotSandbox) -> None:
    for n in range(5):
        _deal(frozen, f"deal {n}")
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    frozen.app.reset_log()
    changed = connector.read_changed(SPEC, full.cursor)
    assert list(changed) == []
    assert sorted(frozen.app.counts().elements()) == sorted(
        ["deals.search", "contacts.search", "tasks.search", "deals.list"]
    )


def test_deals_sharing_the_cursor_timestamp_are_neither_lost_nor_repeated(
    frozen: HubSpotSandbox,
) -> None:
    first = [_deal(frozen, f"early {n}") for n in range(3)]
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    assert sorted(d.id for d in full) == sorted(first)

    later = [_deal(frozen, f"same millisecond {n}") for n in range(4)]  # clock still at T0
    cycle = connector.read_changed(SPEC, full.cursor)
    assert sorted(d.id for d in cycle) == sorted(later)

    again = connector.read_changed(SPEC, cycle.cursor)
    assert list(again) == []


def test_a_changed_deal_is_read_again(frozen: HubSpotSandbox) -> None:
    deal_id = _deal(frozen)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, seconds=5)
    frozen.store.update("deals", deal_id, {"dealstage": "contractsent"})
    (deal,) = list(connector.read_changed(SPEC, full.cursor))
    assert deal.stage == "contractsent"


def test_search_lag_is_covered_by_the_lookback(frozen: HubSpotSandbox) -> None:
    frozen.store.search_lag_seconds = 30
    deal_id = _deal(frozen)
    connector = connect(frozen, lookback_minutes=10)
    full = connector.read_all(SPEC)
    assert list(full) == []  # not indexed yet
    other = _deal(frozen, "indexed later")
    _advance(frozen, seconds=60)
    cycle = connector.read_changed(SPEC, full.cursor)
    assert sorted(d.id for d in cycle) == sorted([deal_id, other])


def test_more_than_a_query_of_deals_on_one_timestamp(
    frozen: HubSpotSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 10,000 cap, lowered to 400 on both sides, so that 1,000 deals on one timestamp
    # overflow a query twice over and the cursor must fall back to ids.
    monkeypatch.setattr(sandbox.hubspot.search, "MAX_RESULTS", 400)
    monkeypatch.setattr(vocab, "SEARCH_CAP", 400)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    ids = frozen.store.generate(1_000, contacts_per_deal=0, tasks_per_deal=0)
    for deal_id in ids:
        frozen.store.update("deals", deal_id, {"dealname": "month-end bulk edit"})
    cycle = connector.read_changed(SPEC, full.cursor)
    read = [deal.id for deal in cycle]
    assert sorted(read) == sorted(ids)
    assert len(read) == len(set(read))
    assert search_calls(frozen) < 20  # it moved on rather than looping on the timestamp


def test_full_read_past_the_cap_with_a_lowered_cap(
    frozen: HubSpotSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox.hubspot.search, "MAX_RESULTS", 400)
    monkeypatch.setattr(vocab, "SEARCH_CAP", 400)
    ids = frozen.store.generate(1_001, contacts_per_deal=0, tasks_per_deal=0)
    read = [deal.id for deal in connect(frozen).read_all(SPEC)]
    assert sorted(read) == sorted(ids)
    assert search_calls(frozen) == 6 + 1  # 2 + 2 + 2 pages (1,001 > 2 x 400), + the mark


def test_marker_task_added_without_a_deal_change_reaches_the_deal(
    frozen: HubSpotSandbox,
) -> None:
    deal_id, _other = _deal(frozen), _deal(frozen)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, minutes=1)
    task_id = frozen.store.create(
        "tasks", {"hs_task_body": "<p>dealgate:budget_confirmed</p>", "hs_timestamp": T0}
    )
    frozen.store.associate("tasks", task_id, "deals", deal_id)
    (deal,) = list(connector.read_changed(SPEC, full.cursor))
    assert deal.id == deal_id
    assert [t.gate_id for t in deal.tasks] == ["budget_confirmed"]


def test_contact_last_contacted_change_reaches_the_deal(frozen: HubSpotSandbox) -> None:
    deal_id = _deal(frozen)
    contact_id = frozen.store.create("contacts", {"firstname": "Hanako"})
    frozen.store.associate("deals", deal_id, "contacts", contact_id)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, minutes=1)
    frozen.store.update("contacts", contact_id, {"notes_last_contacted": frozen.store.now()})
    cycle = connector.read_changed(SPEC, full.cursor)
    (deal,) = list(cycle)
    assert deal.contacts[0].fields["notes_last_contacted"]
    assert list(connector.read_changed(SPEC, cycle.cursor)) == []  # handled once


def test_relabelled_contact_waits_for_the_full_rescan(frozen: HubSpotSandbox) -> None:
    # HubSpot keeps no modification time for associations: a label changed with no change to
    # either record is invisible to polling and reaches dealgate at the next full read.
    frozen.store.create_label("deals", "contacts", "Decision maker")
    deal_id = _deal(frozen)
    contact_id = frozen.store.create("contacts", {"firstname": "Jiro"})
    frozen.store.associate("deals", deal_id, "contacts", contact_id)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, minutes=1)
    frozen.store.associate("deals", deal_id, "contacts", contact_id, ["Decision maker"])
    assert list(connector.read_changed(SPEC, full.cursor)) == []
    (rescanned,) = list(connector.read_all(SPEC))
    assert rescanned.contacts[0].labels == ("Decision maker",)


def test_archived_deals_are_reported_once(frozen: HubSpotSandbox) -> None:
    keep, gone = _deal(frozen, "keep"), _deal(frozen, "gone")
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, minutes=30)  # past the lookback window
    frozen.store.archive("deals", gone)
    cycle = connector.read_changed(SPEC, full.cursor)
    assert list(cycle) == []
    assert list(cycle.deleted_ids) == [gone]
    _advance(frozen, minutes=1)
    later = connector.read_changed(SPEC, cycle.cursor)
    list(later)
    assert list(later.deleted_ids) == []
    assert keep not in cycle.deleted_ids


def test_own_task_writes_do_not_trigger_rereads_but_a_reps_edit_does(
    frozen: HubSpotSandbox,
) -> None:
    owner = frozen.store.add_owner("Emily", "Chen")
    deal_id = _deal(frozen)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    _advance(frozen, minutes=1)
    (created,) = connector.write(
        [TaskCreate(deal_id, "budget_confirmed", owner, "Confirm", "Ask.", date(2026, 12, 1))], []
    )
    quiet = connector.read_changed(SPEC, full.cursor)
    assert list(quiet) == []
    _advance(frozen, minutes=1)
    frozen.store.update("tasks", created.task_id or "", {"hs_task_status": "COMPLETED"})
    (deal,) = list(connector.read_changed(SPEC, quiet.cursor))
    assert [(t.gate_id, t.is_open) for t in deal.tasks] == [("budget_confirmed", False)]


@pytest.mark.parametrize(
    "edit",
    [
        {"hs_task_status": "COMPLETED"},
        {"hubspot_owner_id": "@other"},
        {"hs_task_subject": "Call the CFO first"},
        {"hs_task_body": "<p>Notes of the rep</p>"},
    ],
    ids=["completed", "reassigned", "subject", "body"],
)
def test_a_reps_edit_in_the_millisecond_of_dealgates_write_is_seen(
    frozen: HubSpotSandbox, edit: dict[str, str]
) -> None:
    # The clock stands still: dealgate's create and the rep's edit share one modification
    # time, so only the values can tell the rep's version from dealgate's own.
    owner = frozen.store.add_owner("Emily", "Chen")
    other = frozen.store.add_owner("Ken", "Sato")
    deal_id = _deal(frozen)
    connector = connect(frozen)
    full = connector.read_all(SPEC)
    list(full)
    (created,) = connector.write(
        [TaskCreate(deal_id, "budget_confirmed", owner, "Confirm", "Ask.", date(2026, 12, 1))], []
    )
    values = {k: other if v == "@other" else v for k, v in edit.items()}
    frozen.store.update("tasks", created.task_id or "", values)
    (deal,) = list(connector.read_changed(SPEC, full.cursor))
    assert deal.id == deal_id


def test_window_of_a_bulk_change_stops_being_paged_once_it_has_passed(
    frozen: HubSpotSandbox,
) -> None:
    for deal_id in frozen.store.generate(450, contacts_per_deal=0, tasks_per_deal=0):
        frozen.store.update("deals", deal_id, {"dealname": "bulk edit"})  # all at T0
    connector = connect(frozen, lookback_minutes=10)
    full = connector.read_all(SPEC)
    list(full)
    frozen.app.reset_log()
    right_after = connector.read_changed(SPEC, full.cursor)
    assert list(right_after) == []
    assert search_calls(frozen) == 3  # the 450 deals of the window, paged and skipped
    _advance(frozen, minutes=11)
    settling = connector.read_changed(SPEC, right_after.cursor)
    list(settling)
    frozen.app.reset_log()
    steady = connector.read_changed(SPEC, settling.cursor)
    assert list(steady) == []
    assert search_calls(frozen) == 1
