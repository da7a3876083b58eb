"""Setting deal properties (the verdict) by batch update: POST
`/crm/v3/objects/deals/batch/update`, 100 deals a call.

HubSpot keeps every property value as a string: numbers are sent as their digits, checkboxes as
`true`/`false`, datetimes as ISO 8601 with milliseconds, and an empty string clears a property.
Setting the same values twice changes nothing, so the batch is retried like a read; it goes
through the same rate limiter and daily-quota rules as every other request. Results are matched
by deal id: a deal named in an error (207 Multi-Status) is refused, one the answer does not
mention has no result. A batch HubSpot refuses as a whole (400: every input was invalid) is a
refusal of each of its deals, not a failed cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from connector.base import DealUpdate, FieldValue, UpdateResult
from connector.errors import RequestRejected
from connector.hubspot import vocab
from connector.hubspot.reads import chunks
from connector.hubspot.records import Json
from connector.hubspot.transport import Transport
from connector.hubspot.writes import error_keys, readable

log = structlog.get_logger(__name__)


def wire_value(value: FieldValue) -> str:
    """A property value as HubSpot takes it (always a string; "" clears the property)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return str(value)


def update_input(update: DealUpdate) -> dict[str, Any]:
    """One batch-update input."""
    return {
        "id": update.deal_id,
        "properties": {name: wire_value(value) for name, value in update.fields.items()},
    }


def update_deals(transport: Transport, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
    """Set the properties, 100 deals a call; one result per deal the answers speak of."""
    results: list[UpdateResult] = []
    for batch in chunks(list(updates), vocab.BATCH_WRITE):
        try:
            answer = transport.call(
                "deal batch update",
                "deals.batch",
                "update",
                batch_input_simple_public_object_batch_input={
                    "inputs": [update_input(u) for u in batch]
                },
                lenient=True,  # an unreadable answer: no result, so the next cycle writes again
            )
        except RequestRejected as rejected:
            if rejected.status != 400:
                raise
            # every input refused (HubSpot then answers 400 for the batch): per-deal refusals
            code, message = rejected.code or "VALIDATION_ERROR", rejected.message
            results.extend(UpdateResult(u.deal_id, False, code, message) for u in batch)
            continue
        if not readable(answer):
            log.warning("hubspot.write_answer_unreadable", request="deal batch update")
            continue
        updated = {str(r.get("id")) for r in answer.get("results") or [] if isinstance(r, dict)}
        errors: dict[str, Json] = {}
        for error in answer.get("errors") or []:
            if isinstance(error, dict):
                for key in error_keys(error):
                    errors.setdefault(key, error)
        for update in batch:
            if update.deal_id in updated:
                results.append(UpdateResult(update.deal_id, True))
            elif update.deal_id in errors:
                error = errors[update.deal_id]
                code = error.get("category") or error.get("subCategory") or "ERROR"
                results.append(
                    UpdateResult(update.deal_id, False, str(code), str(error.get("message")))
                )
    return results
