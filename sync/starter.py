"""Every configuration key, read off the pydantic models: for `dealgate init` and the docs.

The models in `sync/config.py` are the single source: a key added there appears in the starter
file and in docs/configuration.md without anyone remembering to write it twice.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, SecretStr
from pydantic_core import PydanticUndefined

from sync.config import Settings


@dataclass(frozen=True)
class Key:
    path: str  # dotted, e.g. "tasks.due_in_days"
    type: str
    default: Any
    description: str
    section: bool  # a nested model (its keys follow)
    bounds: str = ""  # the allowed range of a number, e.g. "1 to 86400"
    legacy: bool = False  # still read for older files; `dealgate init` leaves it out
    override: bool = False  # unset, it follows another key; `dealgate init` writes it commented


def _bounds(info: Any) -> str:
    """The range a number field accepts, from its ge/gt/le/lt constraints ("" when none)."""
    low = high = ""
    for item in info.metadata:
        for attr, template in (("ge", "{}"), ("gt", "more than {}")):
            if getattr(item, attr, None) is not None:
                low = template.format(getattr(item, attr))
        for attr, template in (("le", "{}"), ("lt", "below {}")):
            if getattr(item, attr, None) is not None:
                high = template.format(getattr(item, attr))
    if low and high:
        return f"{low} to {high}"
    return f"at least {low}" if low else (f"at most {high}" if high else "")


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return " | ".join(json.dumps(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(annotation))
    if origin in (list, dict):
        args = ", ".join(_type_name(a) for a in typing.get_args(annotation))
        return f"{origin.__name__}[{args}]"
    if annotation is type(None):
        return "null"
    if annotation is SecretStr:
        return "secret"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return getattr(annotation, "__name__", str(annotation))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def iter_keys(model: type[BaseModel] = Settings, prefix: str = "") -> Iterator[Key]:
    """Every key of the configuration, depth first, in declaration order."""
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        annotation = info.annotation
        nested = _model_of(annotation)
        if info.default is not PydanticUndefined:
            default: Any = info.default
        elif info.default_factory is not None:
            default = None if nested else info.default_factory()  # type: ignore[call-arg]
        else:
            default = PydanticUndefined
        if isinstance(default, SecretStr):
            default = None
        path = f"{prefix}{name}"
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        yield Key(
            path,
            _type_name(annotation),
            default,
            info.description or "",
            nested is not None,
            _bounds(info),
            bool(extra.get("legacy")),
            bool(extra.get("optional_override")),
        )
        if nested is not None:
            yield from iter_keys(nested, f"{path}.")


_STARTER_VALUES: dict[str, dict[str, str]] = {
    "hubspot": {"crm": "hubspot"},
    "salesforce": {
        "crm": "salesforce",
        "salesforce.instance_url": "https://yourorg.my.salesforce.com",
    },
}

# The sign-in sections: the method recommended for a daemon, filled in; the others commented.
# tests/foundation/test_docs.py checks that every key of the auth models appears here.
_AUTH_STARTERS: dict[str, str] = {
    "hubspot.auth": """\
method: service_key
service_key: ${HUBSPOT_SERVICE_KEY}
# A legacy private app (HubSpot no longer creates them; existing ones keep working):
#   method: private_app
#   access_token: ${HUBSPOT_ACCESS_TOKEN}
# A project app (developer platform 2025.2 or later) with static auth:
#   method: static_token
#   access_token: ${HUBSPOT_STATIC_TOKEN}
# A project app with OAuth; dealgate renews the access token itself:
#   method: oauth
#   client_id: your-app-client-id
#   client_secret: ${HUBSPOT_CLIENT_SECRET}
#   refresh_token: ${HUBSPOT_REFRESH_TOKEN}""",
    "salesforce.auth": """\
method: jwt
username: dealgate-integration@yourorg.com
consumer_key: ${SF_CONSUMER_KEY}
private_key_file: dealgate-jwt.key
login_url: https://yourorg.my.salesforce.com
# An External Client App with the client credentials flow and a run-as user:
#   method: client_credentials
#   consumer_key: ${SF_CONSUMER_KEY}
#   consumer_secret: ${SF_CONSUMER_SECRET}
# The OAuth username-password flow of an External Client App (Salesforce advises against it;
# without consumer_key and consumer_secret, password uses SOAP login(), retired in Summer '27):
#   method: password
#   username: dealgate-integration@yourorg.com
#   password: ${SF_PASSWORD}
#   security_token: ${SF_SECURITY_TOKEN:-}
#   consumer_key: ${SF_CONSUMER_KEY}
#   consumer_secret: ${SF_CONSUMER_SECRET}
# A bare session id (tests, one-off audits; it cannot renew itself):
#   method: session
#   session_id: ${SF_SESSION_ID}
# Without login_url, dealgate logs in at https://{domain}.salesforce.com:
#   domain: login""",
}


def _yaml_value(value: Any) -> str:
    if value is None or value is PydanticUndefined:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    if isinstance(value, str) and yaml.safe_load(value) == value and ": " not in value:
        return value  # a plain scalar reads back as the same string
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def starter_config(crm: str) -> str:
    """A commented starter configuration for `crm` with every key and its default."""
    values = _STARTER_VALUES[crm]
    other = "salesforce" if crm == "hubspot" else "hubspot"
    out = [
        "# dealgate configuration, written by `dealgate init`.",
        "# Every key is shown with its default and a one-line explanation.",
        "# ${VAR} takes a value from the environment; ${VAR:-default} falls back to `default`.",
        "# Check it with: dealgate check-config --config THIS_FILE",
        "",
    ]
    auth = f"{crm}.auth"
    for key in iter_keys():
        if key.path == other or key.path.startswith(f"{other}."):
            continue
        if key.legacy or key.path.startswith(f"{auth}."):
            continue
        depth = key.path.count(".")
        indent = "  " * depth
        leaf = key.path.rsplit(".", 1)[-1]
        if key.description:
            out.append(f"{indent}# {key.description}")
        if key.path == auth:
            out.append(f"{indent}{leaf}:")
            out += [f"{indent}  {line}" for line in _AUTH_STARTERS[auth].splitlines()]
            continue
        if key.section:
            out.append(f"{indent}{leaf}:")
            continue
        value = values.get(key.path, _yaml_value(key.default))
        out.append(f"{indent}{'# ' if key.override else ''}{leaf}: {value}")
    return "\n".join(out) + "\n"


def write_starter(crm: str, output: Path, force: bool) -> None:
    """Write the starter file; refuse to overwrite an existing one unless `force`."""
    if output.exists() and not force:
        raise FileExistsError(f"{output} exists; use --force to overwrite it")
    output.write_text(starter_config(crm), encoding="utf-8")
