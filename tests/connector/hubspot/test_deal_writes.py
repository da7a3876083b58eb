"""Deal property updates (the verdict): 100 a call, values in HubSpot's string forms, refusals
as results, including a batch HubSpot refuses as a whole."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.base import DealUpdate
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import connect

AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_150_deals_take_two_calls_and_hold_the_values(hs_sandbox: HubSpotSandbox) -> None:
    ids = [str(i) for i in hs_sandbox.store.generate(150, 0, 0)]
    fields = {"dealgate_phase": "define", "dealgate_evidence_score": 75,
              "dealgate_next_step": None, "dealgate_stage_ahead": True,
              "dealgate_verdict_at": AT}  # fmt: skip
    hs_sandbox.app.reset_log()
    results = connect(hs_sandbox).update_deals([DealUpdate(i, fields) for i in ids])
    assert [r.deal_id for r in results if r.ok] == ids
    assert hs_sandbox.app.counts() == {"deals.batch_update": 2}
    props = hs_sandbox.store.get("deals", ids[-1])
    assert (props["dealgate_phase"], props["dealgate_evidence_score"]) == ("define", "75")
    assert props["dealgate_stage_ahead"] == "true" and not props.get("dealgate_next_step")
    assert props["dealgate_verdict_at"].startswith("2026-11-27T09:30:00")


def test_refusals_are_results_even_when_hubspot_refuses_the_whole_batch(
    hs_sandbox: HubSpotSandbox,
) -> None:
    [deal] = [str(i) for i in hs_sandbox.store.generate(1, 0, 0)]
    connector = connect(hs_sandbox)
    partly = connector.update_deals(
        [
            DealUpdate(deal, {"dealgate_phase": "define"}),
            DealUpdate("999999", {"dealgate_phase": "define"}),
        ]
    )
    assert [(r.deal_id, r.ok) for r in partly] == [(deal, True), ("999999", False)]
    whole = connector.update_deals([DealUpdate(deal, {"dealgate_phase": "no_such_phase"})])
    assert [(r.deal_id, r.ok) for r in whole] == [(deal, False)]
    assert whole[0].error_code and hs_sandbox.store.get("deals", deal)["dealgate_phase"] == "define"
