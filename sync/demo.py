"""`dealgate demo`: the whole product in a few seconds, against the embedded sandbox CRM.

Starts the sandbox (HubSpot by default, Salesforce with `crm="salesforce"`) seeded with demo
deals, runs one write cycle through the real connector over HTTP with the verdict on the deal
turned on, and shows what happened: deals per phase, the gates failing most, the tasks created per
owner, one task as a rep sees it, and a few deals' verdict fields as the CRM now holds them.
Everything it starts it stops; the state store lives in a temporary folder.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from connector.base import Connector
from gates.snapshot import Phase
from sandbox.serve import sample_configs
from state.base import open_store
from sync.checks import load_method
from sync.config import Settings, parse_settings
from sync.cycle import CycleReport
from sync.engine import Engine
from sync.evaluate import EvaluationRun, evaluate_stream
from sync.factory import build_connector
from sync.logs import register_secrets
from sync.terminal import printable
from sync.verdict import FIELD_KEYS, FIELD_NAMES

CI_WIDTH = 120  # off a terminal (a CI log, a pipe) rich would wrap at 80 columns

# What each finding means for the operator, in the words of the demo's findings table.
FINDING_MEANING = {
    "no_owner": "owner inactive and no tasks.fallback_owner: its tasks were not created",
    "stage_ahead_of_evidence": "the CRM stage is ahead of the evidence (a skipped step)",
    "approval_rejected": "the customer's approval was rejected",
    "close_date_passed": "the close date is in the past while the deal is open",
    "opponent_key_person": "a decision maker or approver is an opponent, with no counter-plan",
    "single_threaded": "at most one contact on the deal",
}

NEXT_STEPS = (
    "Next, try:",
    "  dealgate sandbox serve                    # this sandbox, kept running; prints a config",
    "  dealgate audit --config FILE -f html -o audit.html   # the managers' report of it",
    "  dealgate init --crm hubspot --output dealgate.yaml   # for your own CRM",
)


def demo_console() -> Console:
    """A console for the demo: the terminal's width, or CI_WIDTH columns off a terminal."""
    probe = Console()
    return probe if probe.is_terminal else Console(width=CI_WIDTH)


@contextmanager
def _sandbox(crm: str) -> Iterator[tuple[Any, str]]:
    """The seeded sandbox for `crm` and a configuration text pointing at it."""
    if crm == "salesforce":
        from sandbox import salesforce

        with salesforce.start(seed="demo") as sf:
            yield sf, sample_configs("http://unused", sf.url, sf.ca_file, sf.token)["salesforce"]
    else:
        from sandbox import hubspot

        with hubspot.start(seed="demo") as hs:
            yield hs, sample_configs(hs.url, "https://unused", "", hs.token)["hubspot"]


def _task_as_rep_sees_it(sandbox: Any, crm: str, task_id: str) -> tuple[str, str] | None:
    """(subject, body text) of a task, read straight from the sandbox CRM's store."""
    if crm == "salesforce":
        record = sandbox.store.get("Task", task_id)
        if record is None:
            return None
        return str(record.get("Subject", "")), str(record.get("Description", ""))
    props = sandbox.store.get("tasks", task_id)
    if props is None:
        return None
    body = re.sub(r"</p>\s*", "\n", str(props.get("hs_task_body", "")))
    return str(props.get("hs_task_subject", "")), html.unescape(re.sub(r"<[^>]+>", "", body))


VERDICT_SHOWN = 5  # deals whose verdict fields the demo shows


def _verdict_table(sandbox: Any, crm: str, report: CycleReport) -> Table | None:
    """A few deals' verdict fields, read straight from the sandbox CRM's store."""
    names = FIELD_NAMES[crm]
    written = [c for c in report.verdict_changes if c.ok][:VERDICT_SHOWN]
    if not written:
        return None
    table = Table(title="The verdict on the deal, as the CRM now holds it")
    table.add_column("deal")
    for key in FIELD_KEYS[:-1]:
        table.add_column(names[key])
    for change in written:
        if crm == "salesforce":
            values = sandbox.store.get("Opportunity", change.deal_id) or {}
        else:
            values = sandbox.store.get("deals", change.deal_id) or {}
        shown = [_field_text(values.get(names[key])) for key in FIELD_KEYS[:-1]]
        table.add_row(*(escape(printable(text)) for text in [change.deal_name, *shown]))
    return table


def _field_text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _phase_and_gate_counts(
    settings: Settings, connector: Connector, now: datetime
) -> tuple[Counter[str], Counter[str], int]:
    """Deals per phase and failing gates per gate id, read after the cycle."""
    mapping, catalog = load_method(settings)
    existing = connector.existing_fields()
    stages = {(s.pipeline, s.stage): s for s in connector.stages()}
    run = EvaluationRun()
    phases: Counter[str] = Counter()
    failing: Counter[str] = Counter()
    stream = connector.read_all(mapping.read_spec(existing, settings.tasks.snooze_days))
    for item in evaluate_stream(stream, mapping, catalog, stages, existing, now, run):
        if item.evaluation is None:
            phases["(closed lost)"] += 1
            continue
        phases[item.evaluation.phase.value] += 1
        failing.update(r.gate_id for r in item.evaluation.failing)
    return phases, failing, sum(run.unmapped_stages.values())


def _print_report(
    console: Console,
    crm: str,
    report: CycleReport,
    phases: Counter[str],
    failing: Counter[str],
    unmapped: int,
    owners: dict[str, str],
) -> None:
    console.print(
        f"[bold]dealgate demo[/bold] against the {crm} sandbox: {report.deals_read} deals read, "
        f"{report.deals_evaluated} evaluated, {report.tasks_created} tasks created, "
        f"{report.tasks_deferred} deferred by the per-owner cap, {report.api_calls} API calls."
    )
    table = Table(title="Deals per phase", title_justify="left")
    table.add_column("phase")
    table.add_column("deals", justify="right")
    for phase in [*(p.value for p in Phase), "(closed lost)"]:
        if phases[phase]:
            table.add_row(phase, str(phases[phase]))
    if unmapped:
        table.add_row("(stage not in the mapping: skipped)", str(unmapped))
    console.print(table)

    table = Table(title="Gates failing most", title_justify="left")
    table.add_column("gate")
    table.add_column("deals failing", justify="right")
    for gate_id, count in failing.most_common(8):
        table.add_row(gate_id, str(count))
    console.print(table)

    per_owner = Counter(
        a.owner_id or "?" for a in report.actions if a.op == "create" and a.ok is not False
    )
    table = Table(title="Tasks created per owner", title_justify="left")
    table.add_column("owner")
    table.add_column("tasks", justify="right")
    for owner_id, count in per_owner.most_common():
        table.add_row(f"{owners.get(owner_id, owner_id)} ({owner_id})", str(count))
    console.print(table)
    findings = Counter(f.code.value for _, f in report.findings)
    if findings:
        table = Table(title="Deal findings of the planner", title_justify="left")
        table.add_column("finding", no_wrap=True)
        table.add_column("deals", justify="right")
        table.add_column("what it means")
        for code, count in findings.most_common():
            table.add_row(code, str(count), FINDING_MEANING.get(code, ""))
        console.print(table)
    for line in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(line)}")


def run_demo(crm: str = "hubspot", console: Console | None = None) -> CycleReport:
    """Run the demo and print its summary; returns the cycle report."""
    console = console or demo_console()
    with (
        _sandbox(crm) as (box, config_text),
        tempfile.TemporaryDirectory(prefix="dealgate-demo-") as tmp,
    ):
        settings = parse_settings(
            config_text + "state: sqlite:///demo.db\nverdict: {enabled: true}\n",
            "demo.yaml",
            env={},
            base_dir=Path(tmp),
        )
        register_secrets(settings.secrets())
        mapping, catalog = load_method(settings)
        connector = build_connector(settings)
        store = open_store(settings.state_location)
        try:
            engine = Engine(settings, connector, store, mapping=mapping, catalog=catalog)
            report = engine.run_cycle()
        finally:
            store.close()
        phases, failing, unmapped = _phase_and_gate_counts(settings, connector, datetime.now(UTC))
        owners = {o.id: o.name for o in connector.owners().values()}
        _print_report(console, crm, report, phases, failing, unmapped, owners)
        created = [a for a in report.actions if a.op == "create" and a.ok and a.task_id]
        if created:
            sample = _task_as_rep_sees_it(box, crm, created[0].task_id or "")
            if sample is not None:
                subject, body = sample
                # the subject on a line of its own: as a panel title it was cut to the body's width
                console.print(f"[bold]A task as the rep sees it:[/bold] {escape(subject)}")
                console.print(Panel(escape(body.strip()), expand=False))
        verdicts = _verdict_table(box, crm, report)
        if verdicts is not None:
            console.print(verdicts)
    for line in NEXT_STEPS:
        console.print(escape(line), soft_wrap=True)
    return report
