"""What every audit report is made of: the run's context, one row per deal, the writer Protocol.

An audit streams: `run_audit` hands each evaluated deal to the aggregator
(`sync.reports.summary.AuditSummary`) and to one `ReportWriter`, then closes the writer with the
finished summary. A writer may print rows as they come (table, JSON, CSV) or wait for the
summary (HTML); none of them keeps the deals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from gates.results import DealEvaluation, FindingCode, GateResult
from gates.snapshot import DealSnapshot, Phase
from sync.i18n import Words, catalog

if TYPE_CHECKING:
    from sync.reports.summary import AuditSummary


@dataclass(frozen=True, slots=True)
class GateInfo:
    """What a report shows of a catalog gate: its id, its phase and a one-line title."""

    id: str
    phase: Phase
    title: str


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Facts about the audit run that every format prints in its header."""

    crm: str
    generated_at: datetime
    pipeline: str | None = None
    phase: Phase | None = None
    owner: str | None = None
    gates: Mapping[str, GateInfo] = field(default_factory=dict)  # catalog order
    owners: Mapping[str, str] = field(default_factory=dict)  # owner id -> display name
    inactive_owners: frozenset[str] = frozenset()  # owners the CRM lists as inactive
    fallback_owner: str | None = None  # tasks.fallback_owner, when it can take tasks
    language: str = "en"  # of every text the report writes (`language`, `--lang`): one per report

    @property
    def words(self) -> Words:
        """The catalog of the report's language (sync.i18n)."""
        return catalog(self.language)

    def owner_status(self, owner_id: str | None) -> str:
        """ "" for an owner who receives tasks; otherwise where their deals' tasks go."""
        if owner_id is not None and owner_id not in self.inactive_owners:
            return ""
        words = self.words
        where = (
            words("owner.to_fallback", name=self.owner_name(self.fallback_owner))
            if self.fallback_owner
            else words("owner.nobody")
        )
        return words("owner.inactive", where=where) if owner_id is not None else where

    def gate_title(self, gate_id: str) -> str:
        """The gate's title, or its id for a gate the catalog does not know."""
        info = self.gates.get(gate_id)
        return info.title if info is not None else gate_id

    def owner_name(self, owner_id: str | None) -> str:
        """The owner's display name; the id when the CRM has no name; "" for no owner."""
        if owner_id is None:
            return ""
        return self.owners.get(owner_id, owner_id)

    def filter_text(self, separator: str) -> str:
        """The filters asked for, in the report's language (`フェーズ=定義`), or ""."""
        words = self.words
        shown = []
        for name, value in self.filters.items():
            if value is None:
                continue
            if name == "phase":
                value = words.phase(value)
            shown.append(f"{words(f'filter.{name}')}{separator}{value}")
        return words("common.separator").join(shown)

    @property
    def filters(self) -> dict[str, str | None]:
        """The filters the audit was asked for, by option name."""
        return {
            "pipeline": self.pipeline,
            "phase": self.phase.value if self.phase is not None else None,
            "owner": self.owner,
        }


class AuditRow(NamedTuple):
    """One deal in scope of the audit: its snapshot, its evaluation and its owner's name."""

    snapshot: DealSnapshot
    evaluation: DealEvaluation
    owner_name: str = ""

    @property
    def failing(self) -> tuple[GateResult, ...]:
        """The gates this deal fails."""
        return self.evaluation.failing

    @property
    def skipped(self) -> tuple[GateResult, ...]:
        """Failing gates of a phase before the deal's: the steps the deal skipped."""
        return tuple(r for r in self.evaluation.failing if r.skipped_phase)

    @property
    def stage_ahead(self) -> bool:
        """The CRM stage is ahead of the evidence (a skipped phase or stage inflation)."""
        for result in self.evaluation.failing:  # a plain loop: no generator per deal
            if result.skipped_phase:
                return True
        return self.inflated

    @property
    def inflated(self) -> bool:
        """The evaluation found the stage ahead of the evidence (`stage_ahead_of_evidence`)."""
        ahead = FindingCode.STAGE_AHEAD_OF_EVIDENCE
        # A plain loop, not any(...): no generator per deal.
        for finding in self.evaluation.findings:  # noqa: SIM110
            if finding.code is ahead:
                return True
        return False


class ReportWriter(Protocol):
    """One output format. Called `start` once, `deal` per deal in scope, `finish` once."""

    def start(self, context: ReportContext) -> None: ...

    def deal(self, row: AuditRow) -> None: ...

    def finish(self, summary: AuditSummary) -> None: ...
