"""The read-only audit: read -> map -> evaluate -> filter -> report. No CRM write, no state write.

One pass over the deals, one deal in memory at a time: each evaluated deal in scope goes to the
aggregator (`sync.reports.summary`) and to the chosen report writer, which may print it at once.
The report goes to `out` (stdout) or to a file that appears only once it is complete.

Exit codes: 0; 1 with `strict` when an audited deal fails a gate, or when the CRM returned no
deal at all (an empty read proves nothing); 141 when the reader of stdout went away before the
end (`audit | head`), never 1, so a closed pipe is not read as findings.
A CRM error propagates for the CLI to turn into exit 2; a bad mapping, gate file or filter value
raises `ConfigError`: a phase, pipeline or owner that the CRM does not have is refused with the
known values, before any deal is read, rather than audit nothing and pass `--strict`.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from connector.base import Connector, Owner, RawDeal, StageInfo
from connector.names import name_orders
from gates import Catalog, GateConfigError
from gates.results import DealEvaluation
from gates.snapshot import Phase
from mappings import CrmMapping, MappingError
from sync.checks import load_method
from sync.config import ConfigError, Settings
from sync.evaluate import Evaluated, EvaluationRun, evaluate_stream
from sync.logs import get_logger
from sync.planner import no_owner_finding, resolve_owner
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
EXIT_OUTPUT_CLOSED = 141  # the reader of stdout went away (128 + SIGPIPE, as a shell reports it)


def _silence(out: TextIO) -> None:
    """Point a closed stdout at /dev/null, so that the interpreter's last flush stays quiet."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)


def parse_phase(value: str | None) -> Phase | None:
    """The `--phase` filter as a Phase; ConfigError naming the valid values otherwise."""
    if value is None:
        return None
    try:
        return Phase(value.strip().lower())
    except ValueError:
        valid = ", ".join(p.value for p in Phase)
        raise ConfigError([f"--phase: unknown phase {value!r} (one of {valid})"]) from None


def _known(values: Iterable[str], limit: int = 20) -> str:
    """A list of known values for an error message, cut after `limit` of them."""
    shown = sorted(set(values))
    text = ", ".join(shown[:limit])
    return text + (f", ... ({len(shown) - limit} more)" if len(shown) > limit else "")


def owner_ids(query: str | None, owners: Mapping[str, Owner]) -> frozenset[str] | None:
    """The owner ids `--owner` selects: an id, an e-mail, or a name in either order (`佐藤 健` or
    `健 佐藤`), case-insensitive.

    None means no owner filter. A query that matches no owner of the CRM is a ConfigError that
    lists the owners (a filter that silently selects nothing would pass `--strict`).
    """
    if query is None:
        return None
    wanted = " ".join(query.split()).casefold()
    matched = {
        owner.id
        for owner in owners.values()
        if wanted in {owner.id.casefold(), (owner.email or "").casefold(), *name_orders(owner.name)}
    }
    if not matched:
        known = _known(f"{o.name} ({o.id})" for o in owners.values())
        raise ConfigError([f"--owner: no owner {query!r} in the CRM (owners: {known or 'none'})"])
    return frozenset(matched)


def check_pipeline(pipeline: str | None, stages: Iterable[StageInfo]) -> None:
    """ConfigError when `--pipeline` names no pipeline of the CRM, listing the ones it has."""
    if pipeline is None:
        return
    known = {s.pipeline for s in stages if s.pipeline is not None}
    if pipeline not in known:
        listed = f"pipelines: {_known(known)}" if known else "it has no pipelines"
        raise ConfigError([f"--pipeline: no pipeline {pipeline!r} in the CRM ({listed})"])


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


_BUFFER = 1 << 20


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
        newline = "" if fmt == "csv" else None
        # A report of many deals is tens of megabytes: a 1 MiB buffer, not 8 KiB, per write call.
        with open(fd, "w", encoding="utf-8", newline=newline, buffering=_BUFFER) as stream:
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


def _with_owner_finding(
    item: Evaluated, owners: Mapping[str, Owner], fallback: str | None
) -> DealEvaluation:
    """The evaluation, with the `no_owner` finding a run would log when its failing gates' tasks
    have nobody to go to (an inactive or unknown owner and no usable fallback)."""
    evaluation = item.evaluation
    assert evaluation is not None
    failing = len(evaluation.failing)
    if not failing or resolve_owner(item.snapshot.owner_id, owners, fallback) is not None:
        return evaluation
    finding = no_owner_finding(item.snapshot.owner_id, failing, planned=True)
    return evaluation._replace(findings=(*evaluation.findings, finding))


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
    check_pipeline(pipeline, stages.values())
    owners = connector.owners()
    wanted_owners = owner_ids(owner, owners)
    context = ReportContext(
        crm=connector.crm,
        generated_at=now,
        pipeline=pipeline,
        phase=wanted_phase,
        owner=owner,
        gates={
            g.id: GateInfo(g.id, g.phase, g.title.get(settings.language)) for g in catalog.gates
        },
        owners={o.id: o.name for o in owners.values()},
        inactive_owners=frozenset(o.id for o in owners.values() if not o.active),
        language=settings.language,
        fallback_owner=resolve_owner(None, owners, settings.tasks.fallback_owner),
    )
    summary = AuditSummary(context)
    run = EvaluationRun()
    ticker = _Progress(progress and sys.stderr.isatty())
    try:
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
                    evaluation = _with_owner_finding(item, owners, settings.tasks.fallback_owner)
                    row = AuditRow(
                        item.snapshot, evaluation, context.owner_name(item.snapshot.owner_id)
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
    except BrokenPipeError:  # `audit | head`: the reader has what it wanted
        _silence(out)
        log.info("audit_output_closed", deals_read=run.deals_read)
        return EXIT_OUTPUT_CLOSED
    log.info(
        "audit_finished",
        deals_read=run.deals_read,
        deals_audited=summary.deals,
        failing_deals=summary.failing_deals,
        stage_ahead=summary.flagged_total,
        errors=summary.run.error_count,
        api_calls=connector.api_calls,
    )
    if strict and run.deals_read == 0:
        # an empty read proves nothing (lost access reads as no deals): strict does not pass
        log.warning("audit_read_no_deals", message="the CRM returned no deals; --strict fails")
        return 1
    return 1 if strict and summary.any_failing else 0
