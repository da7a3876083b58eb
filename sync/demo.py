"""`dealgate demo`: the whole product in a few seconds, against the embedded sandbox CRM.

Starts the sandbox (HubSpot by default, Salesforce with `crm="salesforce"`) seeded with demo
deals, runs one write cycle through the real connector over HTTP with the verdict on the deal
turned on, and shows what happened: deals per phase, the gates failing most, the tasks created per
owner, one task as a rep sees it, and a few deals' verdict fields as the CRM now holds them.
Everything it starts it stops; the state store lives in a temporary folder. With
`language="ja"` the summary and the tasks the cycle writes are Japanese (sync.i18n `demo.*`).
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
from sync.evaluate import EvaluationRun, evaluate_stream, unmapped_stage_text
from sync.factory import build_connector
from sync.i18n import FINDING_CODES, Words
from sync.logs import register_secrets
from sync.terminal import printable
from sync.verdict import FIELD_KEYS, FIELD_NAMES

_PHASE_IDS = frozenset(phase.value for phase in Phase)
CI_WIDTH = 120  # off a terminal (a CI log, a pipe) rich would wrap at 80 columns

CLOSED_LOST = "(closed lost)"  # the phases counter's key for deals in no phase


def finding_meaning(code: str, words: Words) -> str:
    """What a finding means for the operator, in the words of the demo's findings table."""
    return words(f"demo.meaning.{code}") if code in FINDING_CODES else ""


def next_steps(words: Words) -> tuple[str, ...]:
    """What to try after the demo: the commands stay as typed, their notes follow the language."""
    return (
        words("demo.next"),
        f"  dealgate sandbox serve                    # {words('demo.next.serve')}",
        f"  dealgate audit --config FILE -f html -o audit.html   # {words('demo.next.audit')}",
        f"  dealgate init --crm hubspot --output dealgate.yaml   # {words('demo.next.init')}",
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


def _verdict_table(sandbox: Any, crm: str, report: CycleReport, words: Words) -> Table | None:
    """A few deals' verdict fields, read straight from the sandbox CRM's store."""
    names = FIELD_NAMES[crm]
    written = [c for c in report.verdict_changes if c.ok][:VERDICT_SHOWN]
    if not written:
        return None
    table = Table(title=words("demo.verdicts"))
    table.add_column(words("demo.col.deal"))
    for key in FIELD_KEYS[:-1]:
        table.add_column(names[key])
    for change in written:
        if crm == "salesforce":
            values = sandbox.store.get("Opportunity", change.deal_id) or {}
        else:
            values = sandbox.store.get("deals", change.deal_id) or {}
        shown = [_field_text(values.get(names[key]), words) for key in FIELD_KEYS[:-1]]
        table.add_row(*(escape(printable(text)) for text in [change.deal_name, *shown]))
    return table


def _field_text(value: Any, words: Words) -> str:
    """A verdict field's value for people: phase ids and yes/no in the demo's language."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool) or value in ("true", "false"):
        return words("common.yes" if value in (True, "true") else "common.no")
    if isinstance(value, str) and value in _PHASE_IDS:
        return words(f"phase.{value}")
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
            phases[CLOSED_LOST] += 1
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
    words: Words,
) -> None:
    console.print(
        words(
            "demo.headline",
            crm=crm,
            read=report.deals_read,
            evaluated=report.deals_evaluated,
            created=report.tasks_created,
            deferred=report.tasks_deferred,
            calls=report.api_calls,
        )
    )
    table = Table(title=words("demo.phases"), title_justify="left")
    table.add_column(words("demo.col.phase"))
    table.add_column(words("demo.col.deals"), justify="right")
    for phase in Phase:
        if phases[phase.value]:
            table.add_row(words.phase(phase), str(phases[phase.value]))
    if phases[CLOSED_LOST]:
        table.add_row(words("demo.closed_lost"), str(phases[CLOSED_LOST]))
    if unmapped:
        table.add_row(words("demo.unmapped"), str(unmapped))
    console.print(table)

    table = Table(title=words("demo.gates"), title_justify="left")
    table.add_column(words("demo.col.gate"))
    table.add_column(words("demo.col.failing"), justify="right")
    for gate_id, count in failing.most_common(8):
        table.add_row(gate_id, str(count))
    console.print(table)

    per_owner = Counter(
        a.owner_id or "?" for a in report.actions if a.op == "create" and a.ok is not False
    )
    table = Table(title=words("demo.owners"), title_justify="left")
    table.add_column(words("demo.col.owner"))
    table.add_column(words("demo.col.tasks"), justify="right")
    for owner_id, count in per_owner.most_common():
        table.add_row(escape(f"{owners.get(owner_id, owner_id)} ({owner_id})"), str(count))
    console.print(table)
    findings = Counter(f.code.value for _, f in report.findings)
    if findings:
        table = Table(title=words("demo.findings"), title_justify="left")
        table.add_column(words("demo.col.finding"), no_wrap=True)
        table.add_column(words("demo.col.deals"), justify="right")
        table.add_column(words("demo.col.meaning"))
        for code, count in findings.most_common():
            table.add_row(code, str(count), finding_meaning(code, words))
        console.print(table)
    # the unmapped stages in the summary's language; other warnings (unreadable CRM values) as
    # the run logged them
    english_unmapped = set(report.unmapped_lines()) | {
        unmapped_stage_text(pipeline, stage) for pipeline, stage in report.unmapped
    }
    lines = [
        unmapped_stage_text(pipeline, stage, language=words.language)
        for pipeline, stage in sorted(report.unmapped, key=lambda k: (k[0] or "", k[1]))
    ]
    lines += [line for line in report.warnings if line not in english_unmapped]
    for line in lines:
        console.print(words("demo.warning", line=escape(line)))


def run_demo(
    crm: str = "hubspot", console: Console | None = None, language: str = "en"
) -> CycleReport:
    """Run the demo and print its summary in `language`; returns the cycle report."""
    console = console or demo_console()
    words = Words(language)
    with (
        _sandbox(crm) as (box, config_text),
        tempfile.TemporaryDirectory(prefix="dealgate-demo-") as tmp,
    ):
        settings = parse_settings(
            config_text
            + f"state: sqlite:///demo.db\nverdict: {{enabled: true}}\nlanguage: {words.language}\n",
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
        _print_report(console, crm, report, phases, failing, unmapped, owners, words)
        created = [a for a in report.actions if a.op == "create" and a.ok and a.task_id]
        if created:
            sample = _task_as_rep_sees_it(box, crm, created[0].task_id or "")
            if sample is not None:
                subject, body = sample
                # the subject on a line of its own: as a panel title it was cut to the body's width
                console.print(words("demo.task", subject=escape(subject)))
                console.print(Panel(escape(body.strip()), expand=False))
        verdicts = _verdict_table(box, crm, report, words)
        if verdicts is not None:
            console.print(verdicts)
    for line in next_steps(words):
        console.print(escape(line), soft_wrap=True)
    return report
