"""The sandbox org's data: one table per sObject type, in memory, thread-safe.

Rows are lists indexed by each field's storage slot (far smaller than dicts, so 100,000 deals
with their contacts fit comfortably). The store applies what the platform always does on a write,
whoever writes: ids, audit timestamps, derived fields (IsClosed/IsWon/Probability from the stage,
a task's IsClosed and CompletedDateTime from its status, a contact's Name), soft deletes that
cascade to child records. It does not enforce validation: that is the API's job
(`sandbox.salesforce.rules`), so tests can set up any state directly, inactive owners included.

Only the written record's SystemModstamp and LastModifiedDate move: a new contact role or task
does not touch its opportunity.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sandbox.salesforce.ids import IdFactory, to18
from sandbox.salesforce.schema import (
    STAGES,
    ChildRelationship,
    Field,
    SObjectType,
    default_schema,
)
from sandbox.salesforce.values import from_wire, utc_now

Row = list[Any]
_STAMPS = ("CreatedDate", "LastModifiedDate", "SystemModstamp")


class Table:
    """The rows of one sObject type, keyed by 18-character id, in insertion (= id) order."""

    def __init__(self, sobject: SObjectType) -> None:
        self.type = sobject
        self.rows: dict[str, Row] = {}

    def value(self, row: Row, field_name: str) -> Any:
        """The stored value of `field_name` in `row`."""
        return row[self.type.slots[field_name]]

    def width(self) -> int:
        return len(self.type.slots)


class SalesforceStore:
    """In-memory org data plus the org's sessions and API usage; every method is thread-safe."""

    def __init__(self, *, token: str = "sandbox", api_limit: int = 100_000) -> None:
        self.lock = threading.RLock()
        self.schema = default_schema()
        self.tables = {name: Table(sobject) for name, sobject in self.schema.items()}
        self.ids = IdFactory()
        self.now: Callable[[], datetime] = utc_now
        self.api_used = 0
        self.api_limit = api_limit
        self._tokens = {token}
        # (child type, reference field) -> parent id -> child ids, for subqueries and cascades
        self._children: dict[tuple[str, str], dict[str, list[str]]] = {}
        for sobject in self.schema.values():
            for rel in sobject.children.values():
                self._children[(rel.child, rel.field)] = {}
        self._install_stages()

    def set_time(self, moment: datetime | None) -> None:
        """Freeze the clock at `moment` (aware UTC), or go back to the wall clock with None."""
        if moment is None:
            self.now = utc_now
        else:
            frozen = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            self.now = lambda: frozen

    # metadata -----------------------------------------------------------------------------
    def find_type(self, name: str) -> SObjectType | None:
        """The sObject type called `name`, case-insensitively, or None."""
        lowered = name.lower()
        for sobject in self.schema.values():
            if sobject.name.lower() == lowered:
                return sobject
        return None

    def find_type_by_prefix(self, prefix: str) -> str | None:
        """The name of the sObject type whose ids start with `prefix`, or None."""
        return next((t.name for t in self.schema.values() if t.key_prefix == prefix), None)

    def table(self, sobject: str) -> Table:
        """The table of an sObject type (exact name); KeyError when the org has no such type."""
        return self.tables[sobject]

    def remove_field(self, sobject: str, name: str) -> None:
        """Delete a field from the org: queries naming it fail and describe no longer lists it."""
        with self.lock:
            fields = self.schema[sobject].fields
            found = self.schema[sobject].field(name)
            if found is None:
                raise KeyError(f"{sobject} has no field {name}")
            del fields[found.name]

    def add_field(self, sobject: str, new: Field) -> None:
        """Add a (custom) field to the org; existing rows hold null in it."""
        with self.lock:
            target = self.schema[sobject]
            if new.name not in target.slots:
                target.slots[new.name] = len(target.slots)
                for row in self.tables[sobject].rows.values():
                    row.append(new.default)
            target.fields[new.name] = new

    # sessions and limits -------------------------------------------------------------------
    def accepts(self, token: str) -> bool:
        """Whether `token` is a live session."""
        with self.lock:
            return token in self._tokens

    def expire_sessions(self) -> None:
        """End every session: requests get 401 INVALID_SESSION_ID until a token is issued."""
        with self.lock:
            self._tokens.clear()

    def issue_token(self, token: str | None = None) -> str:
        """Accept `token` (or a fresh session id) as a live session, as a re-login would."""
        session = token or "00D5j000000SandB!" + secrets.token_urlsafe(24)
        with self.lock:
            self._tokens.add(session)
        return session

    def set_api_usage(self, used: int) -> None:
        """Set today's API request count (the limit stays)."""
        with self.lock:
            self.api_used = used

    def count_request(self) -> None:
        """Count one API request toward the daily usage."""
        with self.lock:
            self.api_used += 1

    def today(self) -> date:
        """Today's date in the org's time zone (UTC)."""
        return self.now().date()

    # records ------------------------------------------------------------------------------
    def insert(self, sobject: str, fields: Mapping[str, Any]) -> str:
        """Create a record from field values (system fields may be given); returns its id."""
        with self.lock:
            table = self.tables[sobject]
            record_id = self.ids.new(table.type.key_prefix)
            row: Row = [None] * table.width()
            for item in table.type.fields.values():
                if item.default is not None:
                    row[table.type.slots[item.name]] = item.default
            row[table.type.slots["Id"]] = record_id
            values = self._coerce(table.type, fields)
            now = self.now()
            for stamp in _STAMPS:
                if stamp in table.type.slots:
                    row[table.type.slots[stamp]] = now
            if "IsDeleted" in table.type.slots:
                row[table.type.slots["IsDeleted"]] = False
            self._apply(table, row, values, now, created=True)
            table.rows[record_id] = row
            self._index(sobject, record_id, None, row)
            return record_id

    def update(self, sobject: str, record_id: str, fields: Mapping[str, Any]) -> None:
        """Change field values of a record and bump its modification stamps."""
        with self.lock:
            table = self.tables[sobject]
            row = table.rows[self._key(record_id)]
            before = list(row)
            values = self._coerce(table.type, fields)
            now = self.now()
            for stamp in ("LastModifiedDate", "SystemModstamp"):
                if stamp in table.type.slots and stamp not in values:
                    row[table.type.slots[stamp]] = now
            self._apply(table, row, values, now, created=False)
            self._index(sobject, row[table.type.slots["Id"]], before, row)

    def delete(self, sobject: str, record_id: str) -> None:
        """Soft-delete a record and its child records (contact roles, tasks), as Salesforce does.

        Deleted rows stay visible to queryAll and to the `deleted/` resource, with the deletion
        time as their SystemModstamp.
        """
        with self.lock:
            table = self.tables[sobject]
            key = self._key(record_id)
            row = table.rows[key]
            if not table.type.deletable or row[table.type.slots["IsDeleted"]]:
                return
            now = self.now()
            row[table.type.slots["IsDeleted"]] = True
            row[table.type.slots["SystemModstamp"]] = now
            for rel in table.type.children.values():
                for child_id in list(self.children_of(rel, key)):
                    self.delete(rel.child, child_id)

    def get(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        """A record's stored values by field name (deleted ones too), or None."""
        with self.lock:
            table = self.tables[sobject]
            row = table.rows.get(self._key(record_id))
            if row is None:
                return None
            return {name: row[table.type.slots[name]] for name in table.type.fields}

    def exists(self, sobject: str, record_id: str) -> bool:
        """Whether a live (not deleted) record of this type has this id."""
        with self.lock:
            table = self.tables[sobject]
            row = table.rows.get(record_id)
            if row is None:
                return False
            slot = table.type.slots.get("IsDeleted")
            return slot is None or not row[slot]

    def records(self, sobject: str) -> Iterator[dict[str, Any]]:
        """Every record of a type (deleted included) as a dict; a snapshot, for tests."""
        with self.lock:
            ids = list(self.tables[sobject].rows)
        for record_id in ids:
            found = self.get(sobject, record_id)
            if found is not None:
                yield found

    def children_of(self, rel: ChildRelationship, parent_id: str) -> list[str]:
        """Ids of the child records (deleted included) that point at `parent_id`."""
        return self._children[(rel.child, rel.field)].get(parent_id, [])

    def generate(
        self, n_deals: int, contacts_per_deal: int = 3, tasks_per_deal: int = 1, seed: int = 0
    ) -> list[str]:
        """Add a synthetic dataset of `n_deals` opportunities; returns their ids."""
        from sandbox.salesforce.generate import generate

        return generate(self, n_deals, contacts_per_deal, tasks_per_deal, seed)

    def bulk_load(self, sobject: str, rows: Iterable[Row]) -> None:
        """Append complete rows (slot order, id first) without derivations; for generators."""
        with self.lock:
            table = self.tables[sobject]
            id_slot = table.type.slots["Id"]
            for row in rows:
                table.rows[row[id_slot]] = row
                self._index(sobject, row[id_slot], None, row)

    # internals ----------------------------------------------------------------------------
    def _key(self, record_id: str) -> str:
        return to18(record_id) or record_id

    def _coerce(self, sobject: SObjectType, fields: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, raw in fields.items():
            found = sobject.field(name)
            if found is None:
                raise KeyError(f"No such column '{name}' on sobject of type {sobject.name}")
            value = from_wire(found.type, raw)
            if found.type in ("id", "reference") and isinstance(value, str):
                value = to18(value) or value
            values[found.name] = value
        return values

    def _apply(
        self, table: Table, row: Row, values: dict[str, Any], now: datetime, *, created: bool
    ) -> None:
        slots = table.type.slots
        for name, value in values.items():
            row[slots[name]] = value
        kind = table.type.name
        if kind == "Opportunity" and (created or "StageName" in values):
            stage = next((s for s in STAGES if s[0] == row[slots["StageName"]]), None)
            if stage is not None:
                row[slots["IsClosed"]], row[slots["IsWon"]] = stage[1], stage[2]
                if "Probability" not in values:
                    row[slots["Probability"]] = stage[3]
        elif kind == "Task" and (created or "Status" in values):
            closed = row[slots["Status"]] == "Completed"
            was_closed = bool(row[slots["IsClosed"]]) and not created
            row[slots["IsClosed"]] = closed
            if "CompletedDateTime" not in values:
                if closed and not was_closed:
                    row[slots["CompletedDateTime"]] = now
                elif not closed:
                    row[slots["CompletedDateTime"]] = None
        elif kind == "Contact" and (created or {"FirstName", "LastName"} & values.keys()):
            first, last = row[slots["FirstName"]], row[slots["LastName"]]
            row[slots["Name"]] = " ".join(part for part in (first, last) if part)

    def _index(self, sobject: str, record_id: str, before: Row | None, after: Row) -> None:
        slots = self.schema[sobject].slots
        for (child, field_name), index in self._children.items():
            if child != sobject:
                continue
            old = before[slots[field_name]] if before is not None else None
            new = after[slots[field_name]]
            if old == new and before is not None:
                continue
            if old is not None and record_id in index.get(old, []):
                index[old].remove(record_id)
            if new is not None:
                index.setdefault(new, []).append(record_id)

    def _install_stages(self) -> None:
        for order, (name, closed, won, probability) in enumerate(STAGES, start=1):
            self.insert(
                "OpportunityStage",
                {
                    "MasterLabel": name,
                    "ApiName": name,
                    "IsActive": True,
                    "IsClosed": closed,
                    "IsWon": won,
                    "DefaultProbability": probability,
                    "SortOrder": order,
                },
            )
