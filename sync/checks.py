"""`dealgate check-config`: everything that can be known before the first cycle.

Offline: the configuration file, the mapping and the gate files (each problem with its file and
line), and the status of the configured way of signing in (a method on its way out is named).
Online: the connection, the permissions dealgate needs, the mapped fields the CRM lacks
(those are notes, not errors: their gates are `not_evaluated` and a run never fails on them),
and the mapping's pipelines and stages against the CRM's (`sync.stage_check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.auth_status import hubspot_status, salesforce_status
from connector.errors import CRMError
from connector.salesforce.auth import file_problems
from gates import Catalog, GateConfigError, load_catalog
from mappings import CrmMapping, MappingError, load_mapping
from sync.config import Settings
from sync.factory import build_connector
from sync.stage_check import compare_stages


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)  # exit 2
    notes: list[str] = field(default_factory=list)  # shown, exit 0


def load_method(settings: Settings) -> tuple[CrmMapping, Catalog]:
    """The mapping and gate catalog of these settings; raises MappingError / GateConfigError."""
    mapping = load_mapping(settings.crm, settings.mapping, settings.base_dir)
    catalog = load_catalog(
        [settings.resolve(f) for f in settings.gates.files],
        builtin=settings.gates.builtin,
        overrides=settings.gates.overrides,
        pipeline_overrides=settings.gates.pipelines,
    )
    return mapping, catalog


def check_offline(settings: Settings) -> CheckReport:
    """The configuration's mapping and gate files, each problem with its file and line, and the
    files the connection settings name (CA bundle, private key)."""
    return _offline(settings)[0]


def sign_in_notes(settings: Settings) -> list[str]:
    """The status of the configured way of signing in to the CRM."""
    if settings.crm == "salesforce":
        return salesforce_status(settings.salesforce)
    return hubspot_status(settings.hubspot)


def _offline(settings: Settings) -> tuple[CheckReport, CrmMapping | None]:
    report = CheckReport(notes=sign_in_notes(settings))
    if settings.crm == "salesforce":
        problems, notes = file_problems(settings.salesforce)
        report.problems.extend(problems)
        report.notes.extend(notes)
    try:
        return report, load_method(settings)[0]
    except (MappingError, GateConfigError) as exc:
        report.problems.extend(exc.problems)
        return report, None


def check_connection(settings: Settings) -> CheckReport:
    """Offline checks, then the CRM: credentials, permissions, missing mapped fields."""
    report, mapping = _offline(settings)
    if mapping is None or report.problems:
        return report
    try:
        connector = build_connector(settings, interactive=True)
        report.problems.extend(connector.check())
        if not report.problems:
            for line in mapping.missing_fields(connector.existing_fields()):
                report.notes.append(f"missing field (its gates are not evaluated): {line}")
            problems, notes = compare_stages(mapping.pipelines, connector.stages())
            report.problems.extend(problems)
            report.notes.extend(notes)
    except CRMError as exc:
        report.problems.append(f"{settings.crm}: {exc}")
    return report
