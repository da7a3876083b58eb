"""Opportunity field updates (the verdict) through sObject Collections: 200 a call, refusals as
results, DateTime and null on the wire."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from connector.base import DealUpdate
from sandbox.salesforce import SalesforceSandbox
from tests.sync.sandboxes import SalesforceCRM, SeedDeal

AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_250_deals_take_two_calls_and_a_refusal_is_a_result(
    sf_empty: SalesforceSandbox, tmp_path: Path
) -> None:
    crm = SalesforceCRM(sf_empty, [SeedDeal(f"d{n}") for n in range(250)])
    connector = crm.connector(crm.settings(tmp_path))
    ids = [crm.ids[f"d{n}"] for n in range(250)]
    fields = {"Dealgate_Phase__c": "decision", "Dealgate_Evidence_Score__c": 40,
              "Dealgate_Next_Step__c": None, "Dealgate_Stage_Ahead__c": True,
              "Dealgate_Verdict_At__c": AT}  # fmt: skip
    updates = [DealUpdate(i, fields) for i in ids]
    updates[7] = DealUpdate(ids[7], {**fields, "Dealgate_Phase__c": "no_such_phase"})
    sf_empty.app.reset_log()
    results = connector.update_deals(updates)
    assert [r.ok for r in results] == [n != 7 for n in range(250)]
    assert results[7].error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert sum(1 for r in sf_empty.app.writes()) == 2
    row = sf_empty.store.get("Opportunity", ids[0])
    assert (row["Dealgate_Phase__c"], row["Dealgate_Evidence_Score__c"]) == ("decision", 40)
    assert row["Dealgate_Stage_Ahead__c"] is True and row["Dealgate_Next_Step__c"] is None
    assert row["Dealgate_Verdict_At__c"] == AT
