"""Task writes: batch create (100 a call, the deal association inline) and batch complete.

Results are matched to inputs by content, never by position: each input carries an
`objectWriteTraceId` (`<deal id>:<gate id>`) that HubSpot echoes on results and puts in the
context of per-item errors (207 Multi-Status); where an answer lacks it, a created task is
matched by its marker, subject, owner and due time, and if that is ambiguous (identical tasks on
several deals) by reading which deal each new task is associated with.

A create batch is not idempotent: it is resent only when HubSpot surely did not process it
(429, connection refused). After an answer that may hide a partial success (5xx, dropped
connection), the batch's deals are checked for the marker first and only the missing tasks are
sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import structlog

from connector.base import Priority, TaskComplete, TaskCreate, WriteResult
from connector.errors import ConfigurationError, TransientError
from connector.hubspot import vocab
from connector.hubspot.reads import associations, chunks, marker_tasks_by_deal
from connector.hubspot.records import Json, TaskVersion, props, task_version, time_ms
from connector.hubspot.transport import Transport
from connector.markers import SUBJECT_MAX, clip, find_marker, html_body, inline
from connector.retry import backoff_seconds

log = structlog.get_logger(__name__)

PRIORITY = {Priority.HIGH: "HIGH", Priority.NORMAL: "MEDIUM", Priority.LOW: "LOW"}
DUE_TIME = time(12, 0, tzinfo=UTC)  # noon UTC keeps the due date's calendar day from UTC-11 to +11


def task_to_deal_type(labels: Sequence[Json]) -> int:
    """The HUBSPOT_DEFINED, unlabelled task->deal association type id from the labels answer."""
    defined = [
        int(entry["typeId"])
        for entry in labels
        if entry.get("category") == vocab.HUBSPOT_DEFINED and not entry.get("label")
    ]
    if vocab.TASK_TO_DEAL_TYPE in defined:
        return vocab.TASK_TO_DEAL_TYPE
    if len(defined) == 1:
        return defined[0]
    raise ConfigurationError(
        f"HubSpot lists no single default task-to-deal association type (found {defined})"
    )


def readable(answer: Any) -> bool:
    """Whether a batch write answer is of the documented shape (a list of results, and a list
    of errors when there are any); one that is not tells nothing about its items."""
    if not isinstance(answer, Mapping) or not isinstance(answer.get("results"), list):
        return False
    errors = answer.get("errors")
    return errors is None or isinstance(errors, list)


def trace_id(item: TaskCreate) -> str:
    return f"{item.deal_id}:{item.gate_id}"


def due_timestamp(item: TaskCreate) -> str:
    """`hs_timestamp` for a due date: ISO 8601 with milliseconds, as HubSpot prints it."""
    moment = datetime.combine(item.due, DUE_TIME)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def task_properties(item: TaskCreate) -> dict[str, str]:
    """The HubSpot properties of a new dealgate task (subject and body cut to fit, never the
    marker)."""
    return {
        vocab.TASK_SUBJECT: clip(inline(item.subject), SUBJECT_MAX),
        vocab.TASK_BODY: html_body(item.body, item.gate_id),
        vocab.TASK_OWNER: item.owner_id,
        vocab.TASK_DUE: due_timestamp(item),
        vocab.TASK_PRIORITY: PRIORITY[item.priority],
        vocab.TASK_STATUS: vocab.TASK_NOT_STARTED,
    }


def create_input(item: TaskCreate, association_type: int) -> dict[str, Any]:
    """One batch-create input: properties, the deal association, the trace id."""
    return {
        "properties": task_properties(item),
        "associations": [
            {
                "to": {"id": item.deal_id},
                "types": [
                    {
                        "associationCategory": vocab.HUBSPOT_DEFINED,
                        "associationTypeId": association_type,
                    }
                ],
            }
        ],
        "objectWriteTraceId": trace_id(item),
    }


def _content_key(values: Mapping[str, Any]) -> tuple[str, str, str, int | None]:
    return (
        find_marker(values.get(vocab.TASK_BODY)) or "",
        str(values.get(vocab.TASK_SUBJECT) or ""),
        str(values.get(vocab.TASK_OWNER) or ""),
        time_ms(values.get(vocab.TASK_DUE)),
    )


def error_keys(error: Json) -> list[str]:
    context = error.get("context") or {}
    keys: list[str] = []
    for name in ("objectWriteTraceId", "ids", "id"):
        value = context.get(name)
        keys.extend(value if isinstance(value, list) else [value] if value else [])
    return [str(k) for k in keys]


@dataclass
class BatchAnswer:
    """Per-input outcomes of one create batch, keyed by trace id."""

    created: dict[str, Json]
    failed: dict[str, Json]


def match_creates(
    items: Sequence[TaskCreate],
    answer: Json,
    deal_of: Callable[[list[str]], dict[str, str]],
) -> BatchAnswer:
    """Match a batch-create answer to its inputs by trace id, else by content.

    `deal_of(task_ids)` reads task->deal associations; it is called only when identical
    content on several deals leaves results ambiguous."""
    by_trace = {trace_id(item): item for item in items}
    created: dict[str, Json] = {}
    unmatched: list[Json] = []
    for result in answer.get("results") or []:
        key = result.get("objectWriteTraceId")
        if key in by_trace and key not in created:
            created[key] = result
        else:
            unmatched.append(result)
    failed: dict[str, Json] = {}
    for error in answer.get("errors") or []:
        for key in error_keys(error):
            if key in by_trace and key not in created:
                failed[key] = error
    waiting = [i for i in items if trace_id(i) not in created and trace_id(i) not in failed]
    ambiguous: list[Json] = []
    for result in unmatched:
        key = _content_key(props(result))
        candidates = [i for i in waiting if _content_key(task_properties(i)) == key]
        if len(candidates) == 1:
            created[trace_id(candidates[0])] = result
            waiting.remove(candidates[0])
        elif candidates:
            ambiguous.append(result)
    if ambiguous:
        deals = deal_of([str(r["id"]) for r in ambiguous])
        for result in ambiguous:
            deal_id = deals.get(str(result["id"]))
            for item in list(waiting):
                if item.deal_id == deal_id and _content_key(task_properties(item)) == _content_key(
                    props(result)
                ):
                    created[trace_id(item)] = result
                    waiting.remove(item)
                    break
    return BatchAnswer(created, failed)


def _failure(op: str, deal_id: str, gate_id: str, error: Json | None) -> WriteResult:
    if error is None:
        return WriteResult(op, deal_id, gate_id, ok=False, message="HubSpot returned no result")
    code = error.get("category") or error.get("subCategory") or "ERROR"
    return WriteResult(
        op, deal_id, gate_id, ok=False, error_code=str(code), message=str(error.get("message"))
    )


class TaskWriter:
    """Writes task batches through a Transport; remembers the version of each task it wrote."""

    def __init__(self, transport: Transport, now: Callable[[], datetime]) -> None:
        self.transport = transport
        self.now = now
        self._association_type: int | None = None
        self.written: dict[str, TaskVersion] = {}

    def association_type(self) -> int:
        """The task->deal association type id, read once from the labels endpoint."""
        if self._association_type is None:
            answer = self.transport.call(
                "task->deal association types", "associations.labels", "get_all", "tasks", "deals"
            )
            self._association_type = task_to_deal_type(answer.get("results") or [])
        return self._association_type

    def _remember(self, result: Json) -> None:
        version = task_version(result)
        if version is not None:
            self.written[str(result["id"])] = version

    def _deal_of(self, task_ids: list[str]) -> dict[str, str]:
        links = associations(self.transport, vocab.TASKS, vocab.DEALS, task_ids)
        return {task: pairs[0][0] for task, pairs in links.items() if pairs}

    def create(self, items: Sequence[TaskCreate]) -> list[WriteResult]:
        """Create tasks, 100 a call; one result per item."""
        results: list[WriteResult] = []
        for batch in chunks(list(items), vocab.BATCH_WRITE):
            results.extend(self._create_batch(batch))
        return results

    def _create_batch(self, batch: Sequence[TaskCreate]) -> list[WriteResult]:
        association_type = self.association_type()
        pending = list(batch)
        done: dict[str, WriteResult] = {}
        policy = self.transport.policy
        for attempt in range(1, policy.attempts + 1):
            try:
                answer = self.transport.call(
                    "task batch create",
                    "tasks.batch",
                    "create",
                    batch_input_simple_public_object_batch_input_for_create={
                        "inputs": [create_input(item, association_type) for item in pending]
                    },
                    idempotent=False,
                    lenient=True,  # an unreadable answer is settled by marker, not refused
                )
            except TransientError as error:
                if attempt == policy.attempts:
                    raise
                # The batch may have landed in part: keep what HubSpot now shows, resend the rest.
                found = marker_tasks_by_deal(
                    self.transport, [i.deal_id for i in pending], self.now(), None
                )
                for item in list(pending):
                    task = next(
                        (
                            t
                            for t in found.get(item.deal_id, [])
                            if t.gate_id == item.gate_id and t.is_open
                        ),
                        None,
                    )
                    if task is not None:
                        done[trace_id(item)] = WriteResult(
                            "create", item.deal_id, item.gate_id, ok=True, task_id=task.id
                        )
                        pending.remove(item)
                if not pending:
                    break
                self.transport.sleep(backoff_seconds(policy, attempt, error, 0.5))
                continue
            if not readable(answer):
                # not a refusal: the tasks may exist; the engine settles them by marker
                log.warning("hubspot.write_answer_unreadable", request="task batch create")
                break
            matched = match_creates(pending, answer, self._deal_of)
            for item in pending:
                key = trace_id(item)
                if key in matched.created:
                    result = matched.created[key]
                    self._remember(result)
                    done[key] = WriteResult(
                        "create", item.deal_id, item.gate_id, ok=True, task_id=str(result["id"])
                    )
                elif key in matched.failed:
                    done[key] = _failure("create", item.deal_id, item.gate_id, matched.failed[key])
                # else: the answer does not say; no result, so the engine settles it by marker
            break
        return [done[trace_id(item)] for item in batch if trace_id(item) in done]

    def complete(self, items: Sequence[TaskComplete]) -> list[WriteResult]:
        """Set tasks COMPLETED by batch update, 100 a call; one result per item."""
        results: list[WriteResult] = []
        for batch in chunks(list(items), vocab.BATCH_WRITE):
            answer = self.transport.call(
                "task batch complete",
                "tasks.batch",
                "update",
                batch_input_simple_public_object_batch_input={
                    "inputs": [
                        {
                            "id": item.task_id,
                            "properties": {vocab.TASK_STATUS: vocab.TASK_COMPLETED},
                        }
                        for item in batch
                    ]
                },
                lenient=True,  # an unreadable answer is settled at the next read
            )
            if not readable(answer):
                log.warning("hubspot.write_answer_unreadable", request="task batch complete")
                continue  # no result: the ledger keeps them completing until the next read
            updated = {str(r["id"]): r for r in answer.get("results") or []}
            errors: dict[str, Json] = {}
            for error in answer.get("errors") or []:
                for key in error_keys(error):
                    errors.setdefault(key, error)
            for item in batch:
                if item.task_id in updated:
                    self._remember(updated[item.task_id])
                    results.append(
                        WriteResult(
                            "complete", item.deal_id, item.gate_id, ok=True, task_id=item.task_id
                        )
                    )
                elif item.task_id in errors:
                    failure = _failure("complete", item.deal_id, item.gate_id, errors[item.task_id])
                    results.append(
                        WriteResult(
                            failure.op,
                            failure.deal_id,
                            failure.gate_id,
                            ok=False,
                            task_id=item.task_id,
                            error_code=failure.error_code,
                            message=failure.message,
                        )
                    )
        return results
