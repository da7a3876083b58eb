"""What a sync cycle did (or, in a dry run, would do): counts and the task actions, per deal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.base import WriteResult
from gates.results import Finding
from sync.evaluate import unmapped_stage_text
from sync.i18n import catalog
from sync.planner import PlannedComplete, PlannedCreate
from sync.terminal import printable

MAX_FINDINGS = 1000
MAX_ACTIONS = 1000  # kept by a live cycle (a dry run keeps all: they are its output)


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One task action. `ok` is None in a dry run (nothing was written)."""

    op: str  # "create" | "complete"
    deal_id: str
    deal_name: str
    gate_id: str
    owner_id: str | None
    subject: str
    detail: str  # create: the priority; complete: why (passed, left_scope, deleted)
    task_id: str | None = None
    ok: bool | None = None
    error: str | None = None

    @classmethod
    def creating(cls, c: PlannedCreate, result: WriteResult | None = None) -> PlannedAction:
        t = c.task
        return cls(
            "create",
            t.deal_id,
            c.deal_name,
            t.gate_id,
            t.owner_id,
            t.subject,
            t.priority.value,
            *_outcome(result),
        )

    @classmethod
    def completing(cls, c: PlannedComplete, result: WriteResult | None = None) -> PlannedAction:
        t = c.task
        task_id, ok, error = _outcome(result)
        return cls(
            "complete",
            t.deal_id,
            c.deal_name,
            t.gate_id,
            None,
            "",
            c.reason,
            task_id or t.task_id,
            ok,
            error,
        )

    def line(self, owner_names: Mapping[str, str] | None = None, language: str = "en") -> str:
        """One human line for the diff a dry run prints; owners by name where known (control
        characters neutralised)."""
        words = catalog(language)
        deal = f"{self.deal_name} ({self.deal_id})" if self.deal_name else self.deal_id
        if self.op == "create":
            owner = (owner_names or {}).get(self.owner_id or "") or self.owner_id
            detail = words(f"cycle.priority.{self.detail}")
            text = words(
                "cycle.create",
                gate=self.gate_id,
                deal=deal,
                owner=owner,
                detail=detail,
                subject=self.subject,
            )
        else:
            detail = words(f"cycle.why.{self.detail}")
            text = words(
                "cycle.complete", gate=self.gate_id, deal=deal, task=self.task_id, detail=detail
            )
        if self.ok is False:
            text += words("cycle.refused_action", error=self.error)
        return printable(text)  # CRM text cannot start a line of its own or drive the terminal


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """The verdict fields written (or, in a dry run, to be written) on one deal: (CRM field,
    value last written, new value) each. `ok` is None in a dry run."""

    deal_id: str
    deal_name: str
    fields: tuple[tuple[str, object, object], ...]
    ok: bool | None = None
    error: str | None = None

    def line(self, language: str = "en") -> str:
        """One human line for the dry-run diff, in `language` (control characters
        neutralised). Field names are the CRM's API names, in every language."""
        words = catalog(language)
        empty = words("cycle.verdict_empty")
        deal = f"{self.deal_name} ({self.deal_id})" if self.deal_name else self.deal_id
        changes = ", ".join(
            f"{name}: {_shown(old, empty)} -> {_shown(new, empty)}"
            for name, old, new in self.fields
        )
        text = words("cycle.verdict", deal=deal, changes=changes)
        if self.ok is False:
            text += words("cycle.refused_action", error=self.error)
        return printable(text)


def _shown(value: object, empty: str) -> str:
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value) if not isinstance(value, str) else repr(value)


def _outcome(result: WriteResult | None) -> tuple[str | None, bool | None, str | None]:
    if result is None:
        return None, None, None
    error = None if result.ok else f"{result.error_code or 'error'}: {result.message or ''}"
    return result.task_id, result.ok, error


@dataclass
class CycleReport:
    """Counts, planned actions and problems of one cycle."""

    full: bool
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None = None
    deals_read: int = 0
    deals_evaluated: int = 0
    deals_skipped: int = 0  # unmapped stage, bad data, or in no phase (closed lost)
    unmapped_stages: int = 0  # deals skipped for a stage no mapping names
    unmapped: dict[tuple[str | None, str], int] = field(default_factory=dict)  # per stage
    tasks_created: int = 0
    tasks_completed: int = 0
    tasks_deferred: int = 0  # over the per-owner cap: next cycle
    tasks_refused: int = 0  # per-record refusals (inactive owner, validation)
    errors: int = 0  # deals that could not be normalized or evaluated
    api_calls: int = 0
    interrupted: bool = False  # stopped by a signal before the end; the cursor did not move
    actions: list[PlannedAction] = field(default_factory=list)
    verdicts_written: int = 0  # deals whose verdict fields were written
    verdicts_refused: int = 0
    verdict_changes: list[VerdictChange] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (deal id, finding)
    findings_total: int = 0  # all of them; `findings` keeps the first MAX_FINDINGS
    missing_fields: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)
    owner_names: dict[str, str] = field(default_factory=dict)  # owner id -> name, for people

    def add_action(self, action: PlannedAction) -> None:
        """Keep an action: all of them in a dry run, the first MAX_ACTIONS in a live cycle (whose
        counts say the rest), so that memory stays flat however many tasks a cycle writes."""
        if self.dry_run or len(self.actions) < MAX_ACTIONS:
            self.actions.append(action)

    def add_verdict(self, change: VerdictChange) -> None:
        """Keep a verdict change as `add_action` keeps an action."""
        if self.dry_run or len(self.verdict_changes) < MAX_ACTIONS:
            self.verdict_changes.append(change)

    def add_finding(self, deal_id: str, finding: Finding) -> None:
        """Count a finding; keep it while fewer than MAX_FINDINGS are kept (memory stays flat)."""
        self.findings_total += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append((deal_id, finding))

    def counts(self) -> dict[str, int]:
        """The numbers, by name (log events, run history, metrics)."""
        return {
            "deals_read": self.deals_read,
            "deals_evaluated": self.deals_evaluated,
            "deals_skipped": self.deals_skipped,
            "unmapped_stage_deals": self.unmapped_stages,
            "tasks_created": self.tasks_created,
            "tasks_completed": self.tasks_completed,
            "tasks_deferred": self.tasks_deferred,
            "tasks_refused": self.tasks_refused,
            "verdicts_written": self.verdicts_written,
            "verdicts_refused": self.verdicts_refused,
            "errors": self.errors,
            "api_calls": self.api_calls,
        }

    def unmapped_lines(self, language: str = "en") -> list[str]:
        """One line per (pipeline, stage) that no mapping names, with its deal count."""
        return [
            unmapped_stage_text(pipeline, stage, count, language)
            for (pipeline, stage), count in sorted(
                self.unmapped.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ]

    def planned(self, op: str | None = None) -> list[PlannedAction]:
        """The actions, optionally of one kind ("create" or "complete")."""
        return [a for a in self.actions if op is None or a.op == op]

    def diff_lines(self, language: str = "en") -> list[str]:
        """The actions as lines, grouped by deal and gate, then the verdict changes by deal
        (what a dry run prints)."""
        ordered = sorted(self.actions, key=lambda a: (a.deal_id, a.gate_id, a.op))
        verdicts = sorted(self.verdict_changes, key=lambda v: v.deal_id)
        return [a.line(self.owner_names, language) for a in ordered] + [
            v.line(language) for v in verdicts
        ]

    def summary_line(self, language: str = "en") -> str:
        """The one line a cycle prints on stdout, live or dry, in `language`."""
        words = catalog(language)
        if self.dry_run:
            return words(
                "cycle.dry",
                create=len(self.planned("create")),
                complete=len(self.planned("complete")),
                deferred=self.tasks_deferred,
                verdicts=(
                    words("cycle.verdicts_dry", n=len(self.verdict_changes))
                    if self.verdict_changes
                    else ""
                ),
            )
        text = words(
            "cycle.live",
            full=self.full,
            read=self.deals_read,
            created=self.tasks_created,
            completed=self.tasks_completed,
            deferred=self.tasks_deferred,
        )
        if self.tasks_refused:
            text += words("cycle.refused", n=self.tasks_refused)
        if self.verdicts_written or self.verdicts_refused:
            text += words("cycle.verdicts_written", n=self.verdicts_written)
            if self.verdicts_refused:
                text += words("cycle.verdicts_refused", n=self.verdicts_refused)
        if self.unmapped_stages:
            text += words("cycle.unmapped", n=self.unmapped_stages)
        return text + (words("cycle.interrupted") if self.interrupted else "")
