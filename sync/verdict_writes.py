"""The verdict half of a cycle's writes: each deal's verdict fields, written only when changed.

Deals are looked up in the state a few hundred at a time (`LOOKUP_SIZE`): the ones whose verdict
differs from what dealgate last wrote there wait in a queue, which is written in batches of
`batch_size` deals (Salesforce: one sObject Collections call per 200; HubSpot: one batch update
per 100), so N changed deals cost ceil(N/200) or ceil(N/100) calls however they are spread over
the stream. Memory stays flat: at most LOOKUP_SIZE + batch_size deals wait.

After a write the values are stored, with the time of the write. A crash between the two writes
the same values again at the next cycle, harmlessly (with a new `verdict_at`). A field the CRM
lacks is left out, with one warning per cycle; a deal the CRM refuses is counted and logged, and
written again at its next change or the next full cycle (nothing is stored for it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from connector.base import Connector, DealUpdate, FieldValue
from gates.results import DealEvaluation
from state.base import StateStore, StoredVerdict
from sync.cycle import CycleReport, VerdictChange
from sync.logs import get_logger
from sync.planner import PlannedGate
from sync.verdict import CLEARED, FIELD_NAMES, VERDICT_AT, Value, Verdict, changes, verdict_of

log = get_logger("dealgate.verdict")

LOOKUP_SIZE = 500  # deals per state lookup


@dataclass(frozen=True, slots=True)
class _Candidate:
    deal_id: str
    deal_name: str
    verdict: Verdict
    left_scope: bool  # written only to clear a verdict written before


def active_fields(
    crm: str, wanted: Sequence[str], existing: Collection[str]
) -> tuple[list[str], list[str]]:
    """(keys to write, CRM names of the wanted fields the CRM lacks), in `wanted`'s order.
    CRM field names are matched without regard to case (Salesforce API names are not case
    sensitive)."""
    names = FIELD_NAMES[crm]
    have = {name.lower() for name in existing}
    keys = [key for key in wanted if names[key].lower() in have]
    missing = [names[key] for key in wanted if names[key].lower() not in have]
    return keys, missing


class VerdictBatches:
    """Writes one cycle's changed verdicts (a dry run records them as changes instead)."""

    def __init__(
        self,
        connector: Connector,
        store: StateStore,
        report: CycleReport,
        *,
        keys: Sequence[str],
        gates: Mapping[str, PlannedGate],
        language: str,
        now: datetime,
        dry: bool,
        batch_size: int,
        fence: Callable[[], None] = lambda: None,
    ) -> None:
        self.connector = connector
        self.fence = fence  # called right before every write batch, as for tasks
        self.store = store
        self.report = report
        self.names = FIELD_NAMES[connector.crm]
        self.keys = [k for k in keys if k != VERDICT_AT]
        self.stamp = VERDICT_AT in keys
        self.gates = gates
        self.language = language
        self.now = now
        self.dry = dry
        self.batch_size = max(1, batch_size)
        self._candidates: list[_Candidate] = []
        self._queue: list[tuple[_Candidate, dict[str, Value], Mapping[str, Value] | None]] = []

    def offer(self, deal_id: str, deal_name: str, evaluation: DealEvaluation) -> None:
        """An evaluated deal: its verdict is written if it changed."""
        verdict = verdict_of(evaluation, self.gates, self.language)
        self._add(_Candidate(deal_id, deal_name, verdict, left_scope=False))

    def left_scope(self, deal_id: str, deal_name: str) -> None:
        """A deal out of scope (closed lost, unmapped stage): a verdict written before is
        cleared, once; a deal never written is left alone."""
        self._add(_Candidate(deal_id, deal_name, CLEARED, left_scope=True))

    def _add(self, candidate: _Candidate) -> None:
        if not self.keys:
            return  # no verdict field to write (none chosen, or the CRM has none of them)
        self._candidates.append(candidate)
        if len(self._candidates) >= LOOKUP_SIZE:
            self._settle()

    def _settle(self) -> None:
        """Compare the waiting deals with what was last written; queue the changed ones."""
        candidates, self._candidates = self._candidates, []
        stored = self.store.verdicts([c.deal_id for c in candidates])
        for candidate in candidates:
            before = stored.get(candidate.deal_id)
            if candidate.left_scope and before is None:
                continue
            values = changes(before.values if before else None, candidate.verdict, self.keys)
            if values is not None:
                self._queue.append((candidate, values, before.values if before else None))
        while len(self._queue) >= self.batch_size:
            self._write_batch()

    def flush(self) -> None:
        """Write everything still waiting (at the end of the deal stream)."""
        self._settle()
        while self._queue:
            self._write_batch()

    def _write_batch(self) -> None:
        batch, self._queue = self._queue[: self.batch_size], self._queue[self.batch_size :]
        changed = [self._change(c, values, before) for c, values, before in batch]
        if self.dry:
            for change in changed:
                self.report.add_verdict(change)
            return
        updates = [DealUpdate(c.deal_id, self._fields(values)) for c, values, _ in batch]
        self.fence()
        results = {r.deal_id: r for r in self.connector.update_deals(updates)}
        written: list[StoredVerdict] = []
        for (candidate, values, _), change in zip(batch, changed, strict=True):
            result = results.get(candidate.deal_id)
            if result is None:  # the answer did not say: written again at the next look
                log.warning("verdict_outcome_unknown", deal_id=candidate.deal_id)
                continue
            if result.ok:
                self.report.verdicts_written += 1
                stamp = {VERDICT_AT: self.now.isoformat()} if self.stamp else {}
                written.append(StoredVerdict(candidate.deal_id, {**values, **stamp}, self.now))
                self.report.add_verdict(change)
            else:
                self.report.verdicts_refused += 1
                log.warning(
                    "verdict_refused",
                    deal_id=candidate.deal_id,
                    error_code=result.error_code,
                    message=result.message,
                )
                self.report.add_verdict(
                    VerdictChange(
                        change.deal_id,
                        change.deal_name,
                        change.fields,
                        ok=False,
                        error=f"{result.error_code or 'error'}: {result.message or ''}",
                    )
                )
        if written:
            self.store.save_verdicts(written)

    def _fields(self, values: Mapping[str, Value]) -> dict[str, FieldValue]:
        fields: dict[str, FieldValue] = {self.names[key]: value for key, value in values.items()}
        if self.stamp:
            fields[self.names[VERDICT_AT]] = self.now
        return fields

    def _change(
        self, candidate: _Candidate, values: Mapping[str, Value], before: Mapping[str, Value] | None
    ) -> VerdictChange:
        old = before or {}
        fields: tuple[tuple[str, object, object], ...] = tuple(
            (self.names[key], old.get(key), value)
            for key, value in values.items()
            if old.get(key) != value  # a first write shows the fields it fills
        )
        if self.stamp:
            fields += ((self.names[VERDICT_AT], old.get(VERDICT_AT), self.now),)
        return VerdictChange(
            candidate.deal_id, candidate.deal_name, fields, ok=None if self.dry else True
        )
