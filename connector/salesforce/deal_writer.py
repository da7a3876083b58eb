"""Setting fields on opportunities (the verdict) through sObject Collections: PATCH
`composite/sobjects`, 200 records a call, `allOrNone: false`.

Salesforce answers HTTP 200 with one SaveResult per record, in input order, even when some fail;
a refused record becomes an UpdateResult with ok=False. Setting the same values twice changes
nothing, so a batch whose answer was lost is simply sent again under the client's retry rules
(and counts against the same quota reserve as every other request).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import structlog
from simple_salesforce.api import Salesforce

from connector.base import DealUpdate, FieldValue, UpdateResult
from connector.salesforce.client import SalesforceClient
from connector.salesforce.soql import OPPORTUNITY
from connector.salesforce.writer import COLLECTIONS, MAX_RECORDS, batches

log = structlog.get_logger("connector.salesforce")


def wire_value(value: FieldValue) -> Any:
    """A value as the REST API takes it: a DateTime as ISO 8601 UTC with milliseconds, None as
    JSON null (which clears the field), the rest as JSON."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def update_record(update: DealUpdate) -> dict[str, Any]:
    """The Opportunity record of one update."""
    record: dict[str, Any] = {"attributes": {"type": OPPORTUNITY}, "id": update.deal_id}
    record.update({name: wire_value(value) for name, value in update.fields.items()})
    return record


def update_results(batch: Sequence[DealUpdate], answer: Any) -> list[UpdateResult]:
    """One UpdateResult per deal from the SaveResults; none when the answer is not one
    SaveResult per record (it tells nothing about any of them)."""
    if not isinstance(answer, list) or len(answer) != len(batch):
        log.warning("salesforce.write_answer_unreadable", request=f"update of {len(batch)} deals")
        return []
    results: list[UpdateResult] = []
    for update, result in zip(batch, answer, strict=True):
        item: Mapping[str, Any] = result if isinstance(result, Mapping) else {}
        if item.get("success"):
            results.append(UpdateResult(update.deal_id, True))
            continue
        errors = [e for e in item.get("errors") or [] if isinstance(e, Mapping)]
        code = str(errors[0].get("statusCode") or "UNKNOWN_ERROR") if errors else "UNKNOWN_ERROR"
        message = "; ".join(str(e.get("message", "")) for e in errors) or "refused"
        results.append(UpdateResult(update.deal_id, False, code, message))
    return results


class DealWriter:
    """Sets opportunity fields in collections batches."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client = client

    def update(self, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
        """One PATCH per 200 deals; one result per deal the answers speak of."""
        results: list[UpdateResult] = []
        for batch in batches(updates, MAX_RECORDS):
            body = {"allOrNone": False, "records": [update_record(u) for u in batch]}
            answer = self.client.call(partial(self._patch, body=body))
            results.extend(update_results(batch, answer))
        return results

    def _patch(self, sf: Salesforce, body: dict[str, Any]) -> Any:
        self.client.last_request = f"PATCH {COLLECTIONS} (deal fields)"
        try:
            return sf.restful(COLLECTIONS, method="PATCH", json=body, timeout=self.client.timeout)
        except TypeError:  # simple-salesforce takes len() of the parsed answer: `null` fails
            return None
