"""Writing tasks through sObject Collections: 200 records a call, `allOrNone: false`.

Salesforce answers HTTP 200 with one SaveResult per record, in input order, even when some fail;
a refused record (inactive owner, validation rule) becomes a WriteResult with ok=False and never
an exception. Only a batch that fails as a whole raises.

Creating is not idempotent: a batch whose answer was lost (dropped connection, 5xx after commit)
may have been applied. Before a create batch is sent again, the deals' marker tasks are read and
the tasks that already exist are reported as created instead of being written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import structlog
from simple_salesforce.api import Salesforce

from connector.base import Priority, RawTask, TaskComplete, TaskCreate, WriteResult
from connector.markers import SUBJECT_MAX, clip, inline, plain_body
from connector.retry import Sleep, call_with_retry
from connector.salesforce.client import SalesforceClient
from connector.salesforce.soql import TASK

log = structlog.get_logger("connector.salesforce")

COLLECTIONS = "composite/sobjects"
MAX_RECORDS = 200  # sObject Collections limit per request
DONE_STATUS = "Completed"
PRIORITIES = {Priority.HIGH: "High", Priority.NORMAL: "Normal", Priority.LOW: "Low"}

FindTasks = Callable[[Sequence[str]], dict[str, list[RawTask]]]


def create_record(task: TaskCreate) -> dict[str, Any]:
    """The Task record for a create, with the marker on the last line of the Description; the
    Subject (255) and the Description (32,000) cut to what Salesforce accepts.

    `Status` is left to the org's default (Task.Status is "defaulted on create"): orgs rename
    or remove "Not Started", and Salesforce refuses a closed status as the default, so the
    default is always an open one."""
    subject = clip(inline(task.subject), SUBJECT_MAX)
    return {
        "attributes": {"type": TASK},
        "Subject": subject,
        "Description": plain_body(task.body, task.gate_id),
        "WhatId": task.deal_id,
        "OwnerId": task.owner_id,
        "ActivityDate": task.due.isoformat(),
        "Priority": PRIORITIES[task.priority],
    }


def complete_record(task: TaskComplete) -> dict[str, Any]:
    """The Task update that completes a task (never a delete)."""
    return {"attributes": {"type": TASK}, "id": task.task_id, "Status": DONE_STATUS}


def _refusal(result: Mapping[str, Any]) -> tuple[str | None, str | None]:
    errors = result.get("errors") or []
    if not errors:
        return "UNKNOWN_ERROR", "Salesforce refused the record without saying why"
    first = errors[0] if isinstance(errors[0], Mapping) else {}
    code = first.get("statusCode") or first.get("errorCode")
    messages = [str(e.get("message", "")) for e in errors if isinstance(e, Mapping)]
    return (str(code) if code else None), "; ".join(m for m in messages if m) or None


def save_results(
    op: str, items: Sequence[TaskCreate | TaskComplete], answer: Any
) -> list[WriteResult]:
    """One WriteResult per item from a collections answer (SaveResults in input order); none at
    all when the answer is not one SaveResult per item: it tells nothing about any of them, and
    an item without a result is settled by marker (creates) or at the next read (completions)."""
    if not isinstance(answer, list) or len(answer) != len(items):
        log.warning(
            "salesforce.write_answer_unreadable",
            request=f"{op} of {len(items)} tasks",
            answer=f"{len(answer)} results" if isinstance(answer, list) else type(answer).__name__,
        )
        return []
    results: list[WriteResult] = []
    for item, result in zip(items, answer, strict=True):
        ok = bool(result.get("success")) if isinstance(result, Mapping) else False
        task_id = item.task_id if isinstance(item, TaskComplete) else None
        if ok and isinstance(result, Mapping) and result.get("id"):
            task_id = str(result["id"])
        code, message = (
            (None, None) if ok else _refusal(result if isinstance(result, Mapping) else {})
        )
        results.append(WriteResult(op, item.deal_id, item.gate_id, ok, task_id, code, message))
    return results


def _body(batch: Sequence[TaskComplete]) -> dict[str, Any]:
    return {"allOrNone": False, "records": [complete_record(t) for t in batch]}


def batches(items: Sequence[Any], size: int = MAX_RECORDS) -> list[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    return [items[start : start + size] for start in range(0, len(items), size)]


class TaskWriter:
    """Creates and completes tasks in collections batches."""

    def __init__(self, client: SalesforceClient, find_tasks: FindTasks, sleep: Sleep) -> None:
        self.client = client
        self.find_tasks = find_tasks
        self.sleep = sleep

    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        """Create, then complete; one result per item, creates first."""
        results: list[WriteResult] = []
        for batch in batches(creates):
            results.extend(self._create(batch))
        for batch in batches(completions):
            answer = self.client.call(partial(self._collections, method="PATCH", body=_body(batch)))
            results.extend(save_results("complete", batch, answer))
        return results

    def _collections(self, sf: Salesforce, method: str, body: dict[str, Any]) -> Any:
        """One sObject Collections request; its JSON answer, None when it is `null`."""
        self.client.last_request = f"{method} {COLLECTIONS}"
        try:
            return sf.restful(COLLECTIONS, method=method, json=body, timeout=self.client.timeout)
        except TypeError:  # simple-salesforce takes len() of the parsed answer: `null` fails
            return None

    def _create(self, batch: Sequence[TaskCreate]) -> list[WriteResult]:
        done: dict[int, WriteResult] = {}
        tries = 0

        def attempt() -> None:
            nonlocal tries
            tries += 1
            if tries > 1:
                done.update(self._already_created(batch, done))
            pending = [i for i in range(len(batch)) if i not in done]
            if not pending:
                return
            records = [create_record(batch[i]) for i in pending]
            body = {"allOrNone": False, "records": records}
            answer = self.client.call_once(lambda sf: self._collections(sf, "POST", body))
            sent = [batch[i] for i in pending]
            for i, result in zip(pending, save_results("create", sent, answer), strict=False):
                done[i] = result

        call_with_retry(attempt, self.client.policy, sleep=self.sleep)
        return [done[i] for i in range(len(batch)) if i in done]

    def _already_created(
        self, batch: Sequence[TaskCreate], done: Mapping[int, WriteResult]
    ) -> dict[int, WriteResult]:
        """Items of an interrupted batch whose open marker task is in Salesforce already."""
        pending = [i for i in range(len(batch)) if i not in done]
        found = self.find_tasks(sorted({batch[i].deal_id for i in pending}))
        existing: dict[int, WriteResult] = {}
        for i in pending:
            item = batch[i]
            match = next(
                (t for t in found.get(item.deal_id, []) if t.gate_id == item.gate_id and t.is_open),
                None,
            )
            if match is not None:
                existing[i] = WriteResult("create", item.deal_id, item.gate_id, True, match.id)
        return existing
