"""Loading a seed (the demo, a dict, or a JSON/YAML file) into a store.

A seed maps sObject type names to lists of records:

    User:
      - {ref: sato, Name: Ken Sato, Email: ken.sato@example.com}
    Opportunity:
      - {ref: d1, Name: Acme ERP, StageName: Prospecting, OwnerId: "@sato", CloseDate: today+30}
    OpportunityContactRole:
      - {OpportunityId: "@d1", ContactId: "@c1", Role: Decision Maker}

Types load in dependency order (User, Contact, Opportunity, OpportunityContactRole, Task).
`ref` names a record; a string value `@name` is that record's id. In date and dateTime fields,
`today`, `today+N`, `today-N` (days) and `now`, `now-N` (days) are relative to the store's clock,
so a seed stays meaningful whenever it is loaded. A file may also hold the records under a
`salesforce:` key, as the sandbox's shared seed files do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox import seedfile
from sandbox.salesforce.store import SalesforceStore

LOAD_ORDER = ("User", "Contact", "Opportunity", "OpportunityContactRole", "Task")
_RELATIVE = re.compile(r"^(today|now)\s*(?:([+-])\s*(\d+))?d?$", re.IGNORECASE)


class SeedError(seedfile.SeedError):
    """A seed that cannot be loaded; the message names the record."""


def load(store: SalesforceStore, seed: str | Mapping[str, Any] | None) -> dict[str, str]:
    """Load `seed` ("demo", a path, a dict, or None for nothing); returns ids by `ref`."""
    if seed is None:
        return {}
    if isinstance(seed, str):
        if seed == "demo":
            from sandbox.salesforce.demo import demo_seed

            data: Mapping[str, Any] = demo_seed()
        else:
            data = read_file(Path(seed))
    else:
        data = seed
    return load_records(store, data)


def read_file(path: Path) -> Mapping[str, Any]:
    """The Salesforce records of a JSON or YAML seed file."""
    data = seedfile.read_seed_file(path)
    if isinstance(data, dict) and "salesforce" in data:
        data = data["salesforce"]
    if not isinstance(data, dict):
        raise SeedError(f"{path}: a Salesforce seed maps sObject types to lists of records")
    return data


def load_records(store: SalesforceStore, data: Mapping[str, Any]) -> dict[str, str]:
    """Insert every record of a seed mapping; returns ids by `ref`. A seed of the wrong shape
    raises SeedError."""
    if not isinstance(data, Mapping):
        raise SeedError("a Salesforce seed maps sObject types to lists of records")
    unknown = {str(name) for name in data} - set(LOAD_ORDER)
    if unknown:
        raise SeedError(f"seed has unknown sObject types: {sorted(unknown)}")
    refs: dict[str, str] = {}
    with store.lock:
        now = store.now()  # one "now" for the whole seed: a load across midnight stays consistent
        for sobject in LOAD_ORDER:
            records = data.get(sobject) or []
            if not isinstance(records, list):
                raise SeedError(f"{sobject}: expected a list of records")
            for index, record in enumerate(records):
                where = f"{sobject}[{index}]"
                if not isinstance(record, dict):
                    raise SeedError(f"{where}: a record is a mapping of fields")
                fields = {k: v for k, v in record.items() if k != "ref"}
                try:
                    values = {
                        k: _resolve(store, sobject, k, v, refs, now) for k, v in fields.items()
                    }
                    record_id = store.insert(sobject, values)
                except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
                    raise SeedError(f"{where}: {exc}") from None
                if "ref" in record:
                    refs[str(record["ref"])] = record_id
    return refs


def _resolve(
    store: SalesforceStore,
    sobject: str,
    name: str,
    value: Any,
    refs: dict[str, str],
    now: datetime,
) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("@"):
        if value[1:] not in refs:
            raise SeedError(f"{name}: unknown ref {value}")
        return refs[value[1:]]
    found = store.schema[sobject].field(name)
    match = _RELATIVE.match(value.strip())
    if found is None or found.type not in ("date", "datetime") or match is None:
        return value
    base, sign, amount = match.groups()
    shift = timedelta(days=int(amount or 0) * (-1 if sign == "-" else 1))
    if found.type == "date":
        return now.date() + shift
    return (
        now + shift
        if base.lower() == "now"
        else (now.replace(hour=0, minute=0, second=0, microsecond=0) + shift)
    )
