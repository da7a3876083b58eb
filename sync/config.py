"""The configuration file: one YAML document validated by pydantic (docs/design.md section 6).

`${VAR}` takes a value from the environment, `${VAR:-default}` falls back to `default`; an unset
`${VAR}` without a default is an error. Unknown keys are errors. Every problem is reported at once,
one line each, as `file:line: key.path: what was expected`, and nothing is applied half-way.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from connector.settings import HubSpotSettings, SalesforceAuth, SalesforceSettings
from gates import yamldoc
from gates.loader import line_index, where, yaml_problem
from state.location import SQLITE_PREFIX, is_postgres_url, mask_url, url_password
from sync.logs import SECRET_KEY

__all__ = [
    "ConfigError",
    "HubSpotSettings",
    "SalesforceAuth",
    "SalesforceSettings",
    "Settings",
    "load_settings",
    "parse_settings",
]

_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


class ConfigError(Exception):
    """A configuration that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GateOverride(_Model):
    enabled: bool | None = Field(None, description="Turn a gate on or off.")
    params: dict[str, Any] = Field(default_factory=dict, description="Gate parameters.")


class GatesSettings(_Model):
    builtin: bool = Field(True, description="Include the built-in catalog.")
    files: list[str] = Field(default_factory=list, description="Gate files of your own.")
    overrides: dict[str, GateOverride] = Field(
        default_factory=dict, description="Per gate id: enabled and params."
    )
    pipelines: dict[str, dict[str, GateOverride]] = Field(
        default_factory=dict, description="Per pipeline, per gate id: overrides."
    )


class TasksSettings(_Model):
    mode: Literal["write", "dry_run"] = Field("write", description="dry_run writes nothing.")
    due_in_days: int = Field(3, ge=0, le=365, description="Due date of new tasks, days from now.")
    close_when_passed: bool = Field(True, description="Complete a task once its gate passes.")
    snooze_days: int = Field(
        14, ge=0, le=365, description="Wait after a rep closed a failing task."
    )
    fallback_owner: str | None = Field(
        None, description="Owner for deals whose owner is inactive or missing."
    )
    max_new_per_owner: int = Field(
        10, ge=0, le=1000, description="New tasks per owner over a rolling 24 hours."
    )
    language: Literal["en", "ja"] = Field(
        "en",
        description="Language of task texts; unset, the top-level language.",
        json_schema_extra={"optional_override": True},
    )


VerdictField = Literal[
    "phase", "evidence_score", "missing_steps", "next_step", "stage_ahead", "verdict_at"
]
VERDICT_FIELDS: tuple[VerdictField, ...] = typing.get_args(VerdictField)


class VerdictSettings(_Model):
    enabled: bool = Field(
        False,
        description="Write each deal's phase, evidence score and next step into deal fields.",
    )
    fields: list[VerdictField] = Field(
        default_factory=lambda: list(VERDICT_FIELDS),
        description="Which verdict fields to write (default: all six).",
    )


class MetricsSettings(_Model):
    port: int | None = Field(None, ge=1, le=65535, description="Prometheus metrics and /healthz.")
    host: str = Field(
        "127.0.0.1", min_length=1, description="Interface to listen on (0.0.0.0: every one)."
    )


class Settings(_Model):
    crm: Literal["hubspot", "salesforce"] = Field(..., description="Which CRM to connect to.")
    language: Literal["en", "ja"] = Field(
        "en",
        description="Language of reports, summaries, the demo and task texts (en or ja).",
    )
    hubspot: HubSpotSettings = Field(
        default_factory=HubSpotSettings, description="HubSpot connection (crm: hubspot)."
    )
    salesforce: SalesforceSettings = Field(
        default_factory=SalesforceSettings, description="Salesforce connection (crm: salesforce)."
    )
    mapping: str = Field("builtin", description="builtin, or a path to a mapping file.")
    gates: Annotated[
        GatesSettings,
        Field(
            default_factory=GatesSettings,
            description="builtin, a path, a list of paths, or this mapping.",
        ),
    ]
    tasks: TasksSettings = Field(
        default_factory=TasksSettings, description="The tasks dealgate writes for deal owners."
    )
    verdict: VerdictSettings = Field(
        default_factory=VerdictSettings,
        description="The verdict on the deal record (off: nothing is written to deals).",
    )
    state: str = Field(
        "sqlite:///dealgate.db",
        description="State store URL: sqlite:///PATH (one file, the embedded default) or "
        "postgresql://USER@HOST:PORT/DATABASE.",
    )
    poll_interval_seconds: int = Field(60, ge=1, le=86_400, description="Seconds between cycles.")
    full_rescan_hours: float = Field(
        24, gt=0, le=720, description="Re-evaluate every deal this often."
    )
    metrics: MetricsSettings = Field(
        default_factory=MetricsSettings, description="Prometheus metrics endpoint."
    )
    base_dir: Path = Field(Path("."), exclude=True, description="Folder of the config file.")

    @model_validator(mode="before")
    @classmethod
    def _task_language(cls, data: Any) -> Any:
        # `language` is the tasks' language too, unless `tasks.language` says otherwise.
        if not isinstance(data, dict) or data.get("language") not in ("en", "ja"):
            return data  # none, or a bad one: reported once, at `language`
        tasks = data.get("tasks")
        if tasks is None:
            return {**data, "tasks": {"language": data["language"]}}
        if isinstance(tasks, dict) and "language" not in tasks:
            return {**data, "tasks": {**tasks, "language": data["language"]}}
        if isinstance(tasks, TasksSettings) and "language" not in tasks.model_fields_set:
            return {**data, "tasks": tasks.model_copy(update={"language": data["language"]})}
        return data

    @model_validator(mode="before")
    @classmethod
    def _gates_shorthand(cls, data: Any) -> Any:
        # `gates: builtin`, `gates: path.yaml` and `gates: [a.yaml, b.yaml]` are shorthands.
        if isinstance(data, dict):
            gates = data.get("gates")
            if gates == "builtin":
                data = {**data, "gates": {}}
            elif isinstance(gates, str):
                data = {**data, "gates": {"files": [gates]}}
            elif isinstance(gates, list):
                data = {**data, "gates": {"files": gates}}
        return data

    @field_validator("state")
    @classmethod
    def _state_url(cls, value: str) -> str:
        if is_postgres_url(value):
            return value
        if not value.startswith(SQLITE_PREFIX) or value == SQLITE_PREFIX:
            raise ValueError(
                f"unsupported state store {mask_url(value)!r} "
                "(expected sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE)"
            )
        return value

    @model_validator(mode="after")
    def _crm_section_complete(self) -> Settings:
        if self.crm == "hubspot" and not self.hubspot.configured:
            raise ValueError(
                "hubspot.auth is required when crm is hubspot (e.g. method: service_key)"
            )
        if self.crm == "salesforce" and not self.salesforce.instance_url:
            raise ValueError("salesforce.instance_url is required when crm is salesforce")
        return self

    def resolve(self, path: str) -> Path:
        """A path from the file, relative to the config file's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def state_path(self) -> Path:
        """The SQLite file of a `sqlite:///` state, relative paths against the config file's
        folder."""
        return self.resolve(self.state[len(SQLITE_PREFIX) :])

    @property
    def state_location(self) -> Path | str:
        """Where the state lives: the SQLite file (`state_path`) or the PostgreSQL URL."""
        return self.state if is_postgres_url(self.state) else self.state_path

    def with_resolved_paths(self) -> Settings:
        """These settings with the file paths of the connection sections (`ca_bundle`,
        `private_key_file`) resolved against the config file's folder, like every other path."""
        sf = self.salesforce
        auth = sf.auth
        if auth.private_key_file:
            key_file = str(self.resolve(auth.private_key_file))
            auth = auth.model_copy(update={"private_key_file": key_file})
        ca_bundle = str(self.resolve(sf.ca_bundle)) if sf.ca_bundle else sf.ca_bundle
        salesforce = sf.model_copy(update={"auth": auth, "ca_bundle": ca_bundle})
        return self.model_copy(update={"salesforce": salesforce})

    def in_language(self, language: str | None) -> Settings:
        """These settings with `language` for everything, tasks included (`--lang`); as they are
        when `language` is None."""
        if language is None:
            return self
        tasks = self.tasks.model_copy(update={"language": language})
        return self.model_copy(update={"language": language, "tasks": tasks})

    @property
    def dry_run(self) -> bool:
        return self.tasks.mode == "dry_run"

    def secrets(self) -> list[str]:
        """Every secret value in the settings, for log redaction."""
        found: list[str] = []

        def walk(model: BaseModel) -> None:
            for name in type(model).model_fields:
                value = getattr(model, name)
                if isinstance(value, SecretStr) and value.get_secret_value():
                    found.append(value.get_secret_value())
                elif isinstance(value, BaseModel):
                    walk(value)

        walk(self)
        password = url_password(self.state)
        if password:
            found.append(password)
        return found


# -- loading -------------------------------------------------------------------------------


def expand_env(
    value: Any,
    env: Mapping[str, str],
    path: tuple[str, ...],
    problems: list[tuple[tuple[str, ...], str]],
    expanded: set[tuple[str, ...]] | None = None,
) -> Any:
    """Expand `${VAR}` and `${VAR:-default}` in every string scalar, collecting unset variables
    (and, in `expanded`, the paths whose value came from the environment)."""
    if isinstance(value, dict):
        return {
            k: expand_env(v, env, (*path, str(k)), problems, expanded) for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            expand_env(v, env, (*path, str(i)), problems, expanded) for i, v in enumerate(value)
        ]
    if not isinstance(value, str) or "${" not in value:
        return value
    if expanded is not None and _VAR.search(value):
        expanded.add(path)

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in env:
            return env[name]
        if default is not None:
            return default
        problems.append(
            (path, f"environment variable {name} is not set (use ${{{name}:-default}})")
        )
        return ""

    return _VAR.sub(substitute, value)


def parse_settings(
    text: str,
    source: str = "<config>",
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> Settings:
    """Parse and validate a configuration document; raise ConfigError with every problem."""
    env = os.environ if env is None else env
    try:
        node, raw = yamldoc.load(text)
    except yaml.YAMLError as exc:
        raise ConfigError([yaml_problem(exc, source)]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            [f"{source}: the file must be a mapping of keys, got {type(raw).__name__}"]
        )
    lines = line_index(node) if node is not None else {}

    env_problems: list[tuple[tuple[str, ...], str]] = []
    from_env: set[tuple[str, ...]] = set()
    data = expand_env(raw, env, (), env_problems, from_env)
    problems = [f"{where(source, lines, p)}: {'.'.join(p)}: {msg}" for p, msg in env_problems]
    failed_paths = {p for p, _ in env_problems}
    try:
        settings = Settings.model_validate({**data, "base_dir": base_dir or Path(".")})
    except ValidationError as exc:
        for error in exc.errors():
            path = tuple(str(p) for p in error["loc"] if not str(p).startswith("function-"))
            path = tuple(p for p in path if p not in {"GatesSettings"})
            if path in failed_paths:
                continue  # already reported as an unset variable
            message = _describe(error, show_value=_may_show(path, from_env))
            dotted = ".".join(path) or "(top level)"
            problems.append(f"{where(source, lines, path)}: {dotted}: {message}")
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    return settings.with_resolved_paths()


def _may_show(path: tuple[str, ...], from_env: set[tuple[str, ...]]) -> bool:
    """Whether an error may quote the value at `path`: never a secret field's (nor anything
    under one), never one that came from the environment (it may hold a secret)."""
    if any(SECRET_KEY.search(part) for part in path):
        return False
    return not any(path[: len(p)] == p for p in from_env)


def _describe(error: Any, *, show_value: bool = True) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    got = error.get("input")
    if kind not in {"value_error"} and not isinstance(got, dict | list) and got is not None:
        return f"{message} (got {got!r})" if show_value else f"{message} (value not shown)"
    return message


def load_settings(path: str | Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read, expand and validate the configuration file at `path`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{file}: cannot read the configuration file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{file}: the configuration file is not UTF-8 text (byte {exc.start + 1})"]
        ) from None
    return parse_settings(text, str(file), env, base_dir=file.resolve().parent)
