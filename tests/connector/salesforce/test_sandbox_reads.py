"""Reading deals from the sandbox org over TLS: full reads, child paging, incremental cycles."""

from __future__ import annotations

from sandbox.salesforce import SalesforceSandbox, start
from tests.connector.salesforce.conftest import (
    SPEC,
    Clock,
    Connect,
    add_contact,
    add_deal,
    add_task,
    add_user,
)


def test_full_read_returns_deals_with_contacts_and_dealgate_tasks_in_one_call(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    acme = add_deal(org, owner, "Acme rollout", Budget_Status__c="confirmed", Amount=1200.0)
    add_contact(org, acme, "Decision Maker", LastActivityDate="2026-11-20")
    marked = add_task(org, acme, owner, "budget_confirmed")
    add_task(org, acme, owner, None)  # a rep's own task: not dealgate's
    add_task(org, acme, owner, "scope_confirmed", status="Completed")
    gone = add_deal(org, owner, "Deleted deal")
    org.store.delete("Opportunity", gone)
    wired = connect(org)

    deals = list(wired.connector.read_all(SPEC))

    assert [d.id for d in deals] == [acme]
    (deal,) = deals
    assert deal.stage == "Qualification"
    assert deal.fields["Budget_Status__c"] == "confirmed"
    assert deal.fields["Amount"] == 1200.0
    (contact,) = deal.contacts
    assert contact.labels == ("Decision Maker",)
    assert contact.fields["Stance__c"] == "neutral"
    assert contact.fields["LastActivityDate"] == "2026-11-20"
    assert contact.fields["Name"] == "Aiko Sato"
    by_gate = {t.gate_id: t for t in deal.tasks}
    assert set(by_gate) == {"budget_confirmed", "scope_confirmed"}
    assert by_gate["budget_confirmed"].id == marked
    assert by_gate["budget_confirmed"].is_open
    assert not by_gate["scope_confirmed"].is_open
    assert by_gate["scope_confirmed"].completed_at is not None
    assert wired.calls() == wired.connector.api_calls == 1


def test_child_sets_cut_by_the_server_are_paged_to_the_end(connect: Connect) -> None:
    with start(seed=None, batch_size=300) as org:
        owner = add_user(org)
        big = add_deal(org, owner, "Big account")
        small = add_deal(org, owner, "Small account")
        contacts = {add_contact(org, big, "Influencer")[0] for _ in range(450)}
        add_contact(org, small)
        wired = connect(org)

        deals = {d.id: d for d in wired.connector.read_all(SPEC)}

        assert {c.id for c in deals[big].contacts} == contacts
        assert len(deals[small].contacts) == 1
        # one query, then the rest of the cut child set on its own page
        assert wired.org.app.counts() == {"query": 1, "query.more": 1}
        assert wired.connector.api_calls == 2


def test_first_incremental_read_is_a_full_read_and_a_quiet_cycle_costs_one_call_per_object(
    sf_sandbox: SalesforceSandbox, connect: Connect
) -> None:
    wired = connect(sf_sandbox)
    first = wired.connector.read_changed(SPEC, {})
    everything = list(first)
    assert len(everything) == len(list(wired.connector.read_all(SPEC)))

    before = wired.calls()
    quiet = wired.connector.read_changed(SPEC, first.cursor)
    assert list(quiet) == []
    assert list(quiet.deleted_ids) == []
    assert wired.calls() - before == 4  # Opportunity, contact roles, tasks, contacts


def test_equal_timestamps_at_the_cursor_boundary_lose_nothing_and_repeat_nothing(
    sf_empty: SalesforceSandbox, connect: Connect, clock: Clock
) -> None:
    org = sf_empty
    org.store.now = clock
    owner = add_user(org)
    first_two = {add_deal(org, owner, "A"), add_deal(org, owner, "B")}
    wired = connect(org)
    start_read = wired.connector.read_changed(SPEC, {})
    assert {d.id for d in start_read} == first_two

    # Committed later, stamped with the very same millisecond as the cursor.
    late = add_deal(org, owner, "C")
    cycle = wired.connector.read_changed(SPEC, start_read.cursor)
    assert [d.id for d in cycle] == [late]

    # A commit that lands inside the lookback window, stamped before the newest row seen.
    clock.advance(minutes=5)
    newer = add_deal(org, owner, "D")
    clock.advance(minutes=-3)
    backdated = add_deal(org, owner, "E")
    second = wired.connector.read_changed(SPEC, cycle.cursor)
    assert {d.id for d in second} == {newer, backdated}

    assert list(wired.connector.read_changed(SPEC, second.cursor)) == []


def test_contact_role_contact_and_task_changes_reach_their_deal(
    sf_empty: SalesforceSandbox, connect: Connect, clock: Clock
) -> None:
    org = sf_empty
    org.store.now = clock
    owner = add_user(org)
    acme = add_deal(org, owner, "Acme")
    other = add_deal(org, owner, "Other")
    _, link = add_contact(org, acme)
    other_contact, _ = add_contact(org, other)
    wired = connect(org)
    cursor = wired.connector.read_changed(SPEC, {})
    list(cursor)
    opportunity_stamp = org.store.get("Opportunity", acme)["SystemModstamp"]  # type: ignore[index]

    clock.advance(minutes=1)
    org.store.update("OpportunityContactRole", link, {"Stance__c": "supporter"})
    assert org.store.get("Opportunity", acme)["SystemModstamp"] == opportunity_stamp  # type: ignore[index]
    roles = wired.connector.read_changed(SPEC, cursor.cursor)
    (deal,) = list(roles)
    assert deal.id == acme
    assert deal.contacts[0].fields["Stance__c"] == "supporter"

    clock.advance(minutes=1)
    org.store.update("Contact", other_contact, {"LastActivityDate": "2026-11-27"})
    contacts = wired.connector.read_changed(SPEC, roles.cursor)
    (deal,) = list(contacts)
    assert deal.id == other
    assert deal.contacts[0].fields["LastActivityDate"] == "2026-11-27"

    clock.advance(minutes=1)
    task = add_task(org, acme, owner, "key_person_contacted")
    tasks = wired.connector.read_changed(SPEC, contacts.cursor)
    (deal,) = list(tasks)
    assert [t.id for t in deal.tasks] == [task]

    clock.advance(minutes=1)
    org.store.delete("OpportunityContactRole", link)
    removed = wired.connector.read_changed(SPEC, tasks.cursor)
    (deal,) = list(removed)
    assert (deal.id, deal.contacts) == (acme, ())
    assert list(wired.connector.read_changed(SPEC, removed.cursor)) == []


def test_deleted_deals_are_reported_not_read(
    sf_empty: SalesforceSandbox, connect: Connect, clock: Clock
) -> None:
    org = sf_empty
    org.store.now = clock
    owner = add_user(org)
    keep, drop = add_deal(org, owner, "Keep"), add_deal(org, owner, "Drop")
    add_task(org, drop, owner, "budget_confirmed")
    wired = connect(org)
    first = wired.connector.read_changed(SPEC, {})
    list(first)

    clock.advance(minutes=2)
    org.store.delete("Opportunity", drop)
    cycle = wired.connector.read_changed(SPEC, first.cursor)
    assert list(cycle) == []
    assert list(cycle.deleted_ids) == [drop]
    assert [d.id for d in wired.connector.read_all(SPEC)] == [keep]

    quiet = wired.connector.read_changed(SPEC, cycle.cursor)
    assert (list(quiet), list(quiet.deleted_ids)) == ([], [])


def test_marker_tasks_are_found_open_or_closed(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    org = sf_empty
    owner = add_user(org)
    acme, bare = add_deal(org, owner, "Acme"), add_deal(org, owner, "Bare")
    open_task = add_task(org, acme, owner, "budget_confirmed")
    closed_task = add_task(org, acme, owner, "scope_confirmed", status="Completed")
    add_task(org, acme, owner, None)
    wired = connect(org)

    found = wired.connector.find_marker_tasks([acme, bare])

    assert found[bare] == []
    assert {(t.id, t.gate_id, t.is_open) for t in found[acme]} == {
        (open_task, "budget_confirmed", True),
        (closed_task, "scope_confirmed", False),
    }
    assert wired.calls() == 1


def test_metadata_of_the_demo_org(sf_sandbox: SalesforceSandbox, connect: Connect) -> None:
    connector = connect(sf_sandbox).connector
    assert connector.check() == []
    fields = connector.existing_fields()
    assert {"Budget_Status__c", "StageName", "link.Role", "link.Stance__c"} <= fields
    assert "contact.LastActivityDate" in fields
    stages = {s.stage: s for s in connector.stages()}
    assert stages["Closed Won"].is_won and stages["Closed Won"].is_closed
    assert stages["Qualification"].pipeline is None
    assert stages["Negotiation/Review"].probability == 0.9
    owners = connector.owners()
    assert owners and all(o.id.startswith("005") for o in owners.values())


def test_reading_by_many_deal_ids_splits_the_in_list_within_the_uri_limit(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    owner = add_user(sf_empty)
    deal = add_deal(sf_empty, owner, "Acme")
    task = add_task(sf_empty, deal, owner, "budget_confirmed")
    missing = [f"006{n:015d}" for n in range(1500)]
    wired = connect(sf_empty)

    found = wired.connector.find_marker_tasks([*missing, deal])

    assert len(found) == 1501
    assert [t.id for t in found[deal]] == [task]
    assert {entry.status for entry in sf_empty.app.log} == {200}  # none past the URI limit (414)
    # An 18-character id costs 27 URL-encoded characters ('...' and a comma); 12,000 characters
    # less the query around the list hold 439 ids, so 1,501 ids take 4 queries.
    assert wired.calls() == 4


def test_a_full_read_leaves_a_cursor_from_which_only_later_changes_are_read(
    sf_empty: SalesforceSandbox, connect: Connect, clock: Clock
) -> None:
    org = sf_empty
    org.store.now = clock
    owner = add_user(org)
    deals = {add_deal(org, owner, "A"), add_deal(org, owner, "B")}
    clock.advance(minutes=30)  # the deals changed well before the full read (past the lookback)
    wired = connect(org)
    full = wired.connector.read_all(SPEC)
    assert {d.id for d in full} == deals
    assert wired.calls() == 1  # the deal pages only: no query to position the cursor

    quiet = wired.connector.read_changed(SPEC, full.cursor)
    assert list(quiet) == []
    clock.advance(minutes=1)
    later = add_deal(org, owner, "C")
    assert [d.id for d in wired.connector.read_changed(SPEC, quiet.cursor)] == [later]
