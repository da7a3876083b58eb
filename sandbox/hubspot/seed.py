"""Seed files: a portal's owners, custom properties, labels and records as plain data.

A seed is a dict (or a JSON/YAML file holding one):

    schema: dealgate                # optional: the dealgate deal properties and key-person labels
    owners:   [{key, firstName, lastName, email?, archived?}]
    properties: {deals: [{name, label, type, fieldType, groupName, options?: [{value, label}]}]}
    labels:   [{from: deals, to: contacts, label: "Decision maker", inverseLabel?}]
    contacts: [{key, properties: {...}, owner?, created?, modified?}]
    deals:    [{key, properties, owner?, created?, modified?,
                contacts?: [{contact: key, labels?: [...]}]}]
    tasks:    [{key, properties, owner?, deal?: key, contacts?: [key], created?, modified?}]

Values may be relative to the load time: `@now`, `@now-3d`, `@now+2h`, `@today`, `@today+30d`
(units d, h, m). `@today...` is a date at midnight UTC, `@now...` a datetime; each property's type
then decides how it is stored. `owner` names an owner key and sets `hubspot_owner_id`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox import seedfile
from sandbox.hubspot.custom import install_dealgate_schema
from sandbox.hubspot.schema import PropertyDef
from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.values import Value
from sandbox.hubspot.wire import to_ms

_RELATIVE = re.compile(r"^@(now|today)(?:([+-]\d+)([dhm]))?$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class SeedError(seedfile.SeedError):
    """A seed that cannot be loaded; the message names the bad entry."""


def relative(value: Any, now: datetime) -> Any:
    """Resolve `@now-3d`-style values against `now`; anything else is returned unchanged."""
    if not isinstance(value, str):
        return value
    match = _RELATIVE.match(value)
    if match is None:
        return value
    base, amount, unit = match.groups()
    moment = now if base == "now" else now.replace(hour=0, minute=0, second=0, microsecond=0)
    if amount:
        moment = moment + timedelta(**{_UNITS[unit]: int(amount)})
    return moment.date() if base == "today" else moment


def read_seed(source: str | Path) -> dict[str, Any]:
    """A seed dict from a .json, .yaml or .yml file."""
    path = Path(source)
    data = seedfile.read_seed_file(path)
    if not isinstance(data, dict):
        raise SeedError(f"{path}: a seed file holds a mapping")
    return data


def load(store: HubSpotStore, seed: Mapping[str, Any]) -> dict[str, str]:
    """Load a seed into a store; returns the record and owner ids by seed key. A seed of the
    wrong shape (a list where entries belong, an entry without its key) raises SeedError."""
    if not isinstance(seed, Mapping):
        raise SeedError("a HubSpot seed is a mapping of sections (owners, deals, ...)")
    try:
        return _load(store, seed)
    except SeedError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise SeedError(f"a seed entry of the wrong shape: {type(exc).__name__}: {exc}") from None


def _load(store: HubSpotStore, seed: Mapping[str, Any]) -> dict[str, str]:
    now = store.now()
    keys: dict[str, str] = {}
    if seed.get("schema") == "dealgate":
        install_dealgate_schema(store)
    for owner in seed.get("owners") or []:
        keys[f"owner:{owner['key']}"] = store.add_owner(
            owner["firstName"], owner["lastName"], owner.get("email"), bool(owner.get("archived"))
        )
    for kind, definitions in (seed.get("properties") or {}).items():
        for d in definitions:
            store.add_property(kind, property_def(d))
    for label in seed.get("labels") or []:
        store.create_label(label["from"], label["to"], label["label"], label.get("inverseLabel"))
    for kind in ("contacts", "deals", "tasks"):
        for entry in seed.get(kind) or []:
            keys[f"{kind}:{entry['key']}"] = _record(store, kind, entry, keys, now)
    return keys


def property_def(d: Mapping[str, Any]) -> PropertyDef:
    """A property definition from its seed (API-shaped) mapping."""
    options = tuple(
        (str(o["value"]), str(o.get("label", o["value"]))) for o in d.get("options", [])
    )
    return PropertyDef(
        d["name"], d["label"], d["type"], d["fieldType"], d.get("groupName", "dealgate"), options,
        d.get("description", ""), hubspot_defined=False,
    )  # fmt: skip


def _record(
    store: HubSpotStore, kind: str, entry: Mapping[str, Any], keys: dict[str, str], now: datetime
) -> str:
    where = f"{kind} {entry.get('key')!r}"
    values: dict[str, Value] = {
        k: relative(v, now) for k, v in (entry.get("properties") or {}).items()
    }
    if "owner" in entry:
        values["hubspot_owner_id"] = _ref(keys, "owner", entry["owner"], where)
    try:
        object_id = store.create(kind, values)
    except (KeyError, ValueError) as exc:
        raise SeedError(f"{where}: {exc}") from exc
    _backdate(store, kind, object_id, entry, now)
    if kind == "deals":
        for link in entry.get("contacts") or []:
            contact = _ref(keys, "contacts", link["contact"], where)
            store.associate("deals", object_id, "contacts", contact, list(link.get("labels", [])))
    if kind == "tasks":
        if entry.get("deal"):
            store.associate("tasks", object_id, "deals", _ref(keys, "deals", entry["deal"], where))
        for contact in entry.get("contacts") or []:
            store.associate("tasks", object_id, "contacts", _ref(keys, "contacts", contact, where))
    return object_id


def _ref(keys: dict[str, str], kind: str, key: str, where: str) -> str:
    found = keys.get(f"{kind}:{key}")
    if found is None:
        raise SeedError(f"{where}: unknown {kind} key {key!r}")
    return found


def _backdate(
    store: HubSpotStore, kind: str, object_id: str, entry: Mapping[str, Any], now: datetime
) -> None:
    created, modified = relative(entry.get("created"), now), relative(entry.get("modified"), now)
    if created is None and modified is None:
        return
    with store.lock:
        record = store.find(kind, object_id)
        assert record is not None
        if isinstance(created, datetime):
            record.created_ms = to_ms(created)
        if isinstance(modified, datetime):
            record.updated_ms = max(to_ms(modified), record.created_ms)
        elif isinstance(created, datetime):
            record.updated_ms = record.created_ms
