"""The `dealgate` command: parse, build, call one function of sync/ or sandbox/, print.

Exit codes (docs/design.md section 6): 0 success; 1 findings where the user asked `--strict`;
2 an error (bad config, CRM refused, unreachable), the reason on stderr and no traceback.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from connector.errors import CRMError
from sync.config import ConfigError, Settings, load_settings
from sync.logs import configure as configure_logging
from sync.logs import register_secrets, scrub
from sync.terminal import one_line, printable

app = typer.Typer(
    name="dealgate",
    help="Gate checks for the five sales phases, written back to your CRM as tasks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: flags show no `<bool>` value placeholder (they take no value)
    rich_markup_mode=None,
)

_state = {"debug": False}

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The YAML configuration file.", show_default=False)
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", help="en or ja: overrides language and tasks.language.", show_default=False
    ),
]


def check_lang(lang: str | None) -> str | None:
    """`--lang` as given (None when not given); exit 2 for a language dealgate does not speak."""
    if lang is not None and lang not in {"en", "ja"}:
        fail(f"--lang must be en or ja (got {lang!r})")
    return lang


def fail(reason: str, code: int = 2) -> NoReturn:
    """Print the reason to stderr and exit; no traceback unless --debug."""
    typer.echo(f"dealgate: error: {scrub(one_line(reason))}", err=True)
    raise typer.Exit(code)


def load(config: Path) -> Settings:
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        typer.echo(f"dealgate: {len(exc.problems)} problem(s) in the configuration:", err=True)
        for problem in exc.problems:
            typer.echo(f"  {printable(problem)}", err=True)
        raise typer.Exit(2) from None
    register_secrets(settings.secrets())
    return settings


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dealgate {package_version('dealgate')}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning, error.")
    ] = "info",
) -> None:
    _state["debug"] = debug
    if log_level.lower() not in {"debug", "info", "warning", "error"}:
        fail(f"--log-level must be one of debug, info, warning, error (got {log_level!r})")
    configure_logging(log_level)


@app.command("check-config")
def check_config(
    config: ConfigOption,
    offline: Annotated[bool, typer.Option("--offline", help="Do not contact the CRM.")] = False,
) -> None:
    """Validate the configuration, mapping and gate files and, unless --offline, the connection."""
    from sync.checks import check_connection, check_offline

    settings = load(config)
    report = check_offline(settings) if offline else check_connection(settings)
    for note in report.notes:
        typer.echo(f"  note: {printable(note)}")
    if report.problems:
        typer.echo(f"dealgate: {len(report.problems)} problem(s):", err=True)
        for problem in report.problems:
            typer.echo(f"  {scrub(printable(problem))}", err=True)
        raise typer.Exit(2)
    where = "offline" if offline else f"connected to {settings.crm}"
    typer.echo(f"{config}: configuration is valid ({where})")


@app.command("demo")
def demo(
    crm: Annotated[str, typer.Option("--crm", help="hubspot or salesforce.")] = "hubspot",
    lang: Annotated[
        str, typer.Option("--lang", help="en or ja: the summary and the tasks.")
    ] = "en",
) -> None:
    """Start the sandbox CRM, seed it, run one write cycle, show the result."""
    from sync.demo import run_demo

    if crm not in {"hubspot", "salesforce"}:
        fail(f"--crm must be hubspot or salesforce (got {crm!r})")
    check_lang(lang)
    configure_logging("error")  # the summary shows the warnings; keep the console readable
    run_demo(crm, language=lang)  # off a terminal: a CI log's width, not rich's 80 columns


@app.command("run")
def run(
    config: ConfigOption,
    once: Annotated[bool, typer.Option("--once", help="One cycle, then exit.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; print what would change.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Make the first cycle re-read every deal.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """The daemon: a cycle at start, then every poll_interval_seconds, until SIGTERM/SIGINT."""
    from sync.daemon import run as run_daemon

    check_lang(lang)
    settings = load(config).in_language(lang)
    raise typer.Exit(run_daemon(settings, once=once, dry_run=dry_run, full=full))


@app.command("serve")
def serve(
    tenants: Annotated[
        Path,
        typer.Option("--tenants", help="A folder of tenant files: every *.yaml is one tenant."),
    ],
    state: Annotated[
        str,
        typer.Option(
            "--state",
            envvar="DEALGATE_STATE",
            help="The PostgreSQL state every worker shares: postgresql://USER@HOST:PORT/DB.",
        ),
    ],
    lease_seconds: Annotated[
        float,
        typer.Option(
            "--lease-seconds",
            envvar="DEALGATE_LEASE_SECONDS",
            min=1.0,
            max=3600.0,
            help="A dead worker's tenants are taken over after this (plus one poll).",
        ),
    ] = 60.0,
    metrics_port: Annotated[
        int | None,
        typer.Option("--metrics-port", min=1, max=65535, help="Serve /metrics and /healthz."),
    ] = None,
    metrics_host: Annotated[
        str, typer.Option("--metrics-host", help="Interface of the metrics server.")
    ] = "127.0.0.1",
) -> None:
    """One worker: shares the tenants with every other worker on the same state, until
    SIGTERM/SIGINT (then hands its tenants back at once)."""
    from state.location import url_password
    from sync.logs import register_secrets
    from sync.serve import serve as run_worker

    register_secrets([p for p in [url_password(state)] if p])
    raise typer.Exit(
        run_worker(
            tenants,
            state,
            lease_seconds=lease_seconds,
            metrics_port=metrics_port,
            metrics_host=metrics_host,
        )
    )


@app.command("audit")
def audit(
    config: ConfigOption,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or html.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="Only this pipeline.")] = None,
    phase: Annotated[str | None, typer.Option("--phase", help="Only deals in this phase.")] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner (id, name or e-mail).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any audited deal fails a gate.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """A read-only audit of every deal: no task written, no state stored."""
    from sync.audit import run_audit
    from sync.factory import build_connector

    if fmt not in {"table", "json", "csv", "html"}:
        fail(f"--format must be table, json, csv or html (got {fmt!r})")
    check_lang(lang)
    settings = load(config).in_language(lang)
    code = run_audit(
        settings,
        build_connector(settings, interactive=True),
        pipeline=pipeline,
        phase=phase,
        owner=owner,
        fmt=fmt,  # type: ignore[arg-type]
        output=output,
        strict=strict,
        progress=sys.stderr.isatty(),
        out=sys.stdout,
    )
    raise typer.Exit(code)


@app.command("init")
def init(
    crm: Annotated[str, typer.Option("--crm", help="hubspot or salesforce.")] = "hubspot",
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write.")] = Path(
        "dealgate.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter configuration with every key and its default."""
    from sync.starter import write_starter

    if crm not in {"hubspot", "salesforce"}:
        fail(f"--crm must be hubspot or salesforce (got {crm!r})")
    try:
        write_starter(crm, output, force)
    except (FileExistsError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"wrote {output}; next: dealgate check-config --config {output}")


schema_app = typer.Typer(help="The CRM fields and labels dealgate reads.")
app.add_typer(schema_app, name="schema")


@schema_app.command("install")
def schema_install(
    config: ConfigOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what is missing; create nothing.")
    ] = False,
) -> None:
    """Create the default custom fields (HubSpot: properties and association labels), labelled
    in the configured `language`.

    Salesforce: prints the exact field list for the admin (custom fields are deployed by an admin
    through Setup or a metadata deployment), marking the ones the org already has.
    """
    from sync.factory import build_connector
    from sync.schema_labels import schema_labels

    settings = load(config)
    connector = build_connector(settings, interactive=True)
    labels = schema_labels(settings.language)
    if settings.crm == "salesforce":
        from connector.salesforce.schema import render

        typer.echo(render(connector.existing_fields(), labels))
        return
    from connector.hubspot import HubSpotConnector

    assert isinstance(connector, HubSpotConnector)
    actions = connector.install_schema(dry_run=dry_run, labels=labels)
    for line in actions:
        typer.echo(line)
    if not actions:
        typer.echo("nothing to do: every dealgate property and label exists")


state_app = typer.Typer(help="The state store (ledger, snoozes, cursor, run history).")
app.add_typer(state_app, name="state")


@state_app.command("migrate")
def state_migrate(
    source: Annotated[
        str, typer.Option("--from", help="The state to copy: sqlite:///PATH or postgresql://...")
    ],
    target: Annotated[
        str, typer.Option("--to", help="Where to copy it: postgresql://... or sqlite:///PATH")
    ],
    overwrite: Annotated[
        bool, typer.Option("--replace", help="Overwrite a target that already holds a state.")
    ] = False,
) -> None:
    """Copy a single-org state to another store (stop the daemon first; it is refused while one
    runs on the source)."""
    from state.base import StateError, open_store
    from state.location import SQLITE_PREFIX, is_postgres_url, mask_url
    from state.migrate import copy_state, is_empty

    for url in (source, target):
        if not (is_postgres_url(url) or (url.startswith(SQLITE_PREFIX) and url != SQLITE_PREFIX)):
            fail(f"unsupported state store {mask_url(url)!r} (expected sqlite:///PATH or "
                 "postgresql://USER@HOST:PORT/DATABASE)")  # fmt: skip
    if source.startswith(SQLITE_PREFIX) and not Path(source[len(SQLITE_PREFIX) :]).exists():
        fail(f"no state at {source}")
    try:
        with contextlib.ExitStack() as stack:
            old = open_store(source)
            stack.callback(old.close)
            if is_empty(old):
                fail(f"{mask_url(source)} holds no state: nothing to copy")
            new = open_store(target)
            stack.callback(new.close)
            copied = copy_state(old, new, overwrite=overwrite)
    except StateError as exc:
        fail(str(exc))
    typer.echo(f"{copied.summary()} from {mask_url(source)} to {mask_url(target)}")


tenants_app = typer.Typer(help="The tenants that `dealgate serve` workers share.")
app.add_typer(tenants_app, name="tenants")


@tenants_app.command("status")
def tenants_status(
    state: Annotated[
        str,
        typer.Option("--state", envvar="DEALGATE_STATE", help="The workers' PostgreSQL state."),
    ],
) -> None:
    """Each tenant's holder, last cycle, next due and last error, and the live workers."""
    from state.base import StateError
    from sync.tenant_status import read_status

    try:
        text = read_status(state)
    except StateError as exc:
        fail(str(exc))
    typer.echo(text, nl=False)


gates_app = typer.Typer(help="The gate catalog.")
app.add_typer(gates_app, name="gates")


@gates_app.command("list")
def gates_list(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Apply this configuration's gates.")
    ] = None,
    lang: LangOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """Show every gate: id, phase, title, and whether it is enabled."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from gates import GateConfigError, gate_rows, load_catalog
    from mappings import MappingError
    from sync.checks import load_method
    from sync.gate_listing import gates_csv, gates_json

    check_lang(lang)
    if fmt not in {"table", "json", "csv"}:
        fail(f"--format must be table, json or csv (got {fmt!r})")
    settings = load(config) if config is not None else None
    language = lang or (settings.language if settings is not None else "en")
    try:
        catalog = load_method(settings)[1] if settings is not None else load_catalog()
    except (GateConfigError, MappingError) as exc:
        fail("; ".join(exc.problems))
    rows = gate_rows(catalog, language)
    if fmt != "table":
        typer.echo(gates_json(rows) if fmt == "json" else gates_csv(rows), nl=False)
        return
    table = Table(title="dealgate gates", title_justify="left")
    # ids are what gates.overrides needs: never cut, whatever the width; titles wrap instead
    table.add_column("id", no_wrap=True, min_width=max((len(r[0]) for r in rows), default=2))
    table.add_column("phase", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("enabled", no_wrap=True)
    for gate_id, phase, title, enabled in rows:
        cells = (gate_id, phase, title, "yes" if enabled else "no")
        table.add_row(*(Text(printable(cell)) for cell in cells))  # file text: never markup
    Console().print(table)


mappings_app = typer.Typer(help="Stage, field and key-person mappings.")
app.add_typer(mappings_app, name="mappings")


@mappings_app.command("show")
def mappings_show(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Show this configuration's mapping.")
    ] = None,
    crm: Annotated[
        str, typer.Option("--crm", help="Without --config: which bundled one.")
    ] = "hubspot",
) -> None:
    """Print the effective mapping as a table."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from mappings import MappingError, load_mapping

    try:
        if config is not None:
            settings = load(config)
            mapping = load_mapping(settings.crm, settings.mapping, settings.base_dir)
        else:
            mapping = load_mapping(crm)
    except MappingError as exc:
        fail("; ".join(exc.problems))
    table = Table(title=Text(printable(f"{mapping.crm} mapping ({mapping.source})")))
    for column in ("section", "CRM", "dealgate"):
        table.add_column(column)
    for row in mapping.rows():
        table.add_row(*(Text(printable(cell)) for cell in row))  # CRM labels: never markup
    Console().print(table)


sandbox_app = typer.Typer(help="The local sandbox CRMs (Salesforce and HubSpot wire formats).")
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[
        int | None, typer.Option("--port", help="HubSpot port (HTTP); default 8765; 0 = free.")
    ] = None,
    sf_port: Annotated[
        int | None,
        typer.Option("--sf-port", help="Salesforce port (HTTPS); default 8766; 0 = free."),
    ] = None,
    seed: Annotated[
        Path | None, typer.Option("--seed", help="Seed file (hubspot/salesforce sections).")
    ] = None,
    token: Annotated[str, typer.Option("--token", help="Accepted bearer token.")] = "sandbox",
    ca_dir: Annotated[
        Path,
        typer.Option("--ca-dir", help="Where the Salesforce sandbox's CA is kept across runs."),
    ] = Path("~/.cache/dealgate/sandbox-ca"),
) -> None:
    """Serve both sandbox CRMs on 127.0.0.1 until Ctrl-C."""
    from sandbox.serve import serve

    try:
        serve(port=port, sf_port=sf_port, seed=seed, token=token, ca_dir=ca_dir, echo=typer.echo)
    except (OSError, ValueError) as exc:
        fail(str(exc))


def main() -> None:
    """Console entry point: maps every error to exit 2 with a one-line reason. `--debug` adds
    the traceback before that line; the exit code stays the same."""
    try:
        app()
    except (CRMError, ConfigError) as exc:
        if _state["debug"]:
            traceback.print_exc(file=sys.stderr)
        lines = exc.problems if isinstance(exc, ConfigError) else [str(exc)]
        for line in lines:
            print(f"dealgate: error: {scrub(one_line(line))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
