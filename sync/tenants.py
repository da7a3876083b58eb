"""The tenants of `dealgate serve --tenants DIR`: one CRM connection per `*.yaml` file.

A tenant's id is its file's stem (`acme-hubspot.yaml` is the tenant `acme-hubspot`): 1 to 63
characters, ASCII letters, digits, `-` and `_`, starting with a letter or a digit. Each file is a
whole configuration of its own (CRM connection and secrets, mapping, gates, tasks policy, poll
interval), loaded and checked exactly as `dealgate run --config` would; only `state` is the
deployment's (`serve --state`), so a file that names another state is refused. A file that cannot
be used is reported with its problems and skipped; the others run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gates import Catalog, GateConfigError
from mappings import CrmMapping, MappingError
from sync.checks import load_method
from sync.config import ConfigError, Settings, load_settings

TENANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Tenant:
    """One tenant, ready to run."""

    id: str
    path: Path
    settings: Settings
    mapping: CrmMapping
    catalog: Catalog


@dataclass
class TenantsDir:
    """What a tenants folder holds: the usable tenants, and per skipped file its problems."""

    tenants: list[Tenant] = field(default_factory=list)
    broken: dict[Path, list[str]] = field(default_factory=dict)


def tenant_id_problem(stem: str) -> str | None:
    """Why a file stem cannot be a tenant id, or None."""
    if TENANT_ID.match(stem):
        return None
    return (
        "the file name must make a tenant id: 1 to 63 ASCII letters, digits, '-' or '_', "
        "starting with a letter or digit"
    )


def load_tenant(path: Path, state: str) -> Tenant:
    """The tenant of one file; raises ConfigError with every problem."""
    problem = tenant_id_problem(path.stem)
    if problem is not None:
        raise ConfigError([f"{path}: {problem}"])
    settings = load_settings(path)
    if "state" in settings.model_fields_set and settings.state != state:
        raise ConfigError(
            [f"{path}: state: the tenants of `dealgate serve` share its --state; leave it out"]
        )
    settings = settings.model_copy(update={"state": state})
    try:
        mapping, catalog = load_method(settings)
    except (MappingError, GateConfigError) as exc:
        raise ConfigError([f"{path}: {p}" for p in exc.problems]) from None
    return Tenant(path.stem, path, settings, mapping, catalog)


def load_tenants(folder: Path, state: str) -> TenantsDir:
    """Every `*.yaml` in `folder` (sorted by name), loaded; broken ones are set aside."""
    found = TenantsDir()
    for path in sorted(folder.glob("*.yaml")):
        try:
            found.tenants.append(load_tenant(path, state))
        except ConfigError as exc:
            found.broken[path] = exc.problems
    return found
