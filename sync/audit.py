"""The read-only audit: read -> map -> evaluate -> filter -> report. No CRM write, no state write.

One pass over the deals, one deal in memory at a time: each evaluated deal in scope goes to the
aggregator (`sync.reports.summary`) and to the chosen report writer, which may print it at once.
The report goes to `out` (stdout) or to a file that appears only once it is complete.

Exit codes: 0; 1 with `strict` when an audited deal fails a gate. A CRM error propagates for the
CLI to turn into exit 2; a bad mapping, gate file or filter value raises `ConfigError`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from connector.base import Connector, Owner, RawDeal
from gates import Catalog, GateConfigError
from gates.snapshot import Phase
from mappings import CrmMapping, MappingError
from sync.checks import load_method
from sync.config import ConfigError, Settings
from sync.evaluate import Evaluated, EvaluationRun, evaluate_stream
from sync.logs import get_logger
from sync.reports import (
    AuditRow,
    AuditSummary,
    Format,
    GateInfo,
    ReportContext,
    RunFacts,
    writer_for,
)

log = get_logger("dealgate.audit")

PROGRESS_EVERY = 50  # deals between progress bar updates


def parse_phase(value: str | None) -> Phase | None:
    """The `--phase` filter as a Phase; ConfigError naming the valid values otherwise."""
    if value is None:
        return None
    try:
        return Phase(value.strip().lower())
    except ValueError:
        valid = ", ".join(p.value for p in Phase)
        raise ConfigError([f"--phase: unknown phase {value!r} (one of {valid})"]) from None


def owner_ids(query: str | None, owners: Mapping[str, Owner]) -> frozenset[str] | None:
    """The owner ids `--owner` selects: an id, or a name or e-mail (case-insensitive).

    None means no owner filter. A query that matches no known owner is kept as an id, so that
    deals of an owner the CRM no longer lists can still be audited.
    """
    if query is None:
        return None
    wanted = query.strip().casefold()
    matched = {
        owner.id
        for owner in owners.values()
        if wanted in {owner.id.casefold(), owner.name.casefold(), (owner.email or "").casefold()}
    }
    return frozenset(matched or {query.strip()})


def load_rules(settings: Settings) -> tuple[CrmMapping, Catalog]:
    """The mapping and the gate catalog the settings name; problems become a ConfigError."""
    try:
        return load_method(settings)
    except (MappingError, GateConfigError) as exc:
        raise ConfigError(list(exc.problems)) from None


class _Progress:
    """Deals read and evaluated, on a rich progress line on stderr (or nowhere)."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Progress | None = None
        if enabled:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("auditing deals: {task.fields[read]} read, {task.completed} evaluated"),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._task = self._bar.add_task("audit", total=None, read=0)
        self.read = 0
        self.evaluated = 0

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._show()
            self._bar.stop()

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.evaluated, read=self.read)

    def count_reads(self, deals: Iterable[RawDeal]) -> Iterator[RawDeal]:
        """Pass the deals through, counting them."""
        for deal in deals:
            self.read += 1
            if self.read % PROGRESS_EVERY == 0:
                self._show()
            yield deal

    def count_evaluated(self) -> None:
        self.evaluated += 1


@contextlib.contextmanager
def _destination(output: Path | None, out: TextIO, fmt: Format) -> Iterator[TextIO]:
    """`out`, or a file at `output` that replaces the old one only once the report is complete."""
    if output is None:
        yield out
        return
    output = output.expanduser()
    if output.is_dir():
        raise ConfigError([f"--output: {output} is a directory; give a file name"])
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    except OSError as exc:
        raise ConfigError([f"--output: cannot write {output}: {exc.strerror}"]) from None
    try:
        with open(fd, "w", encoding="utf-8", newline="" if fmt == "csv" else None) as stream:
            yield stream
        try:
            os.replace(temp, output)
        except OSError as exc:
            raise ConfigError([f"--output: cannot write {output}: {exc.strerror}"]) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _in_scope(
    item: Evaluated, pipeline: str | None, phase: Phase | None, owners: frozenset[str] | None
) -> bool:
    snapshot = item.snapshot
    if pipeline is not None and snapshot.pipeline != pipeline:
        return False
    if owners is not None and snapshot.owner_id not in owners:
        return False
    return phase is None or (item.evaluation is not None and item.evaluation.phase is phase)


def run_audit(
    settings: Settings,
    connector: Connector,
    *,
    pipeline: str | None,
    phase: str | None,
    owner: str | None,
    fmt: Format,
    output: Path | None,
    strict: bool,
    progress: bool,
    now: datetime | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Audit every deal, write the report in `fmt` to `output` (or `out`); return the exit code.

    Reads only: no task is written to the CRM and no state is stored.
    """
    now = now or datetime.now(UTC)
    wanted_phase = parse_phase(phase)
    mapping, catalog = load_rules(settings)
    existing = connector.existing_fields()
    missing = mapping.missing_fields(existing)
    for line in missing:
        log.warning("missing_field", message=line)
    stages = {(s.pipeline, s.stage): s for s in connector.stages()}
    owners = connector.owners()
    wanted_owners = owner_ids(owner, owners)
    context = ReportContext(
        crm=connector.crm,
        generated_at=now,
        pipeline=pipeline,
        phase=wanted_phase,
        owner=owner,
        gates={
            g.id: GateInfo(g.id, g.phase, g.title.get(settings.tasks.language))
            for g in catalog.gates
        },
        owners={o.id: o.name for o in owners.values()},
    )
    summary = AuditSummary(context)
    run = EvaluationRun()
    ticker = _Progress(progress and sys.stderr.isatty())
    with _destination(output, out, fmt) as stream, ticker:
        writer = writer_for(fmt, stream)
        writer.start(context)
        deals = ticker.count_reads(connector.read_all(mapping.read_spec(existing)))
        for item in evaluate_stream(deals, mapping, catalog, stages, existing, now, run):
            ticker.count_evaluated()
            if not _in_scope(item, pipeline, wanted_phase, wanted_owners):
                summary.add_filtered_out()
            elif item.evaluation is None:
                summary.add_without_phase()
            else:
                row = AuditRow(
                    item.snapshot, item.evaluation, context.owner_name(item.snapshot.owner_id)
                )
                summary.add(row)
                writer.deal(row)
        summary.record_run(
            RunFacts(
                deals_read=run.deals_read,
                deals_evaluated=run.deals_evaluated,
                unmapped_stages=dict(run.unmapped_stages),
                errors=tuple(run.errors),
                error_count=run.deals_failed,
                missing_fields=tuple(missing),
            )
        )
        writer.finish(summary)
    log.info(
        "audit_finished",
        deals_read=run.deals_read,
        deals_audited=summary.deals,
        failing_deals=summary.failing_deals,
        stage_ahead=summary.flagged_total,
        errors=summary.run.error_count,
        api_calls=connector.api_calls,
    )
    return 1 if strict and summary.any_failing else 0
