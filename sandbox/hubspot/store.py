"""The in-memory HubSpot portal: records, owners, property definitions, pipelines, associations.

Thread-safe (one re-entrant lock, `store.lock`, which the routes also hold while they read). Tests
use the direct methods (`create`, `update`, `archive`, `associate`, ...) to arrange data; those
convert Python values (dates, numbers, booleans) into HubSpot's strings but skip the checks that
an API caller meets (options, owners, required fields), so a test can build states the API would
refuse. The routes call `validate` first and then the same writers.

Each record keeps its own properties; `hs_object_id`, the create date and the last-modified date
are kept as numbers on the record and printed on read. Search may lag behind writes
(`search_lag_seconds`): while a record is inside its lag window, search sees its previous version
(or nothing, if it is new).
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sandbox.hubspot import schema
from sandbox.hubspot.associations import AssociationError, AssociationIndex
from sandbox.hubspot.records import ALL_SCOPES, Owner, Record
from sandbox.hubspot.schema import PropertyDef
from sandbox.hubspot.values import Problem, Value, normalize, normalize_all, problem
from sandbox.hubspot.wire import OBJECT_TYPES, iso_ms, object_type, system_properties, to_ms


def _kind(name: str) -> str:
    kind = object_type(name)
    if kind is None:
        raise KeyError(f"unknown object type {name!r}; use one of {', '.join(OBJECT_TYPES)}")
    return kind


class HubSpotStore:
    """A HubSpot portal's CRM data; see the module docstring."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.search_lag_seconds: float = 0.0
        self.scopes: set[str] = set(ALL_SCOPES)
        self.hub_id = 24681357
        self.created_ms = to_ms(datetime(2020, 1, 6, 9, 0, tzinfo=UTC))
        self.properties: dict[str, dict[str, PropertyDef]] = {
            kind: {d.name: replace(d, created_ms=self.created_ms) for d in defs}
            for kind, defs in schema.standard_properties().items()
        }
        self.pipelines: list[schema.Pipeline] = list(schema.PIPELINES)
        self.associations = AssociationIndex()
        self.owners: dict[str, Owner] = {}
        self._records: dict[str, dict[int, Record]] = {kind: {} for kind in OBJECT_TYPES}
        self._order: dict[str, list[int]] = {kind: [] for kind in OBJECT_TYPES}
        self._ids = itertools.count(10_001)
        self._owner_ids = itertools.count(71_000_001)

    # clock ---------------------------------------------------------------------------------
    def now_ms(self) -> int:
        """The store clock in epoch milliseconds."""
        return to_ms(self.now())

    def set_time(self, moment: datetime | None) -> None:
        """Freeze the clock at `moment` (aware UTC), or go back to the wall clock with None."""
        if moment is None:
            self.now = lambda: datetime.now(UTC)
        else:
            frozen = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            self.now = lambda: frozen

    # records: direct control ---------------------------------------------------------------
    def create(self, object_type: str, properties: Mapping[str, Value]) -> str:
        """Create a record; returns its id. Values are converted, not validated."""
        kind = _kind(object_type)
        with self.lock:
            return str(self.insert(kind, self._convert(kind, properties)).id)

    def update(self, object_type: str, object_id: str, properties: Mapping[str, Value]) -> None:
        """Change some properties of a record (KeyError if it does not exist)."""
        kind = _kind(object_type)
        with self.lock:
            record = self._live(kind, object_id)
            self.patch(kind, record, self._convert(kind, properties))

    def archive(self, object_type: str, object_id: str) -> None:
        """Delete a record the HubSpot way: it stays readable with `archived=true`."""
        kind = _kind(object_type)
        with self.lock:
            record = self._live(kind, object_id)
            record.archived_ms = self.now_ms()

    def get(self, object_type: str, object_id: str, archived: bool = False) -> dict[str, str]:
        """Every property of a record as HubSpot would return it (KeyError if absent)."""
        kind = _kind(object_type)
        with self.lock:
            record = self.find(kind, object_id, archived=archived)
            if record is None:
                raise KeyError(f"no {kind} record {object_id}")
            return self.view(kind, record)

    def ids(self, object_type: str, archived: bool = False) -> list[str]:
        """Ids of every live (or, with archived=True, archived) record, oldest first."""
        kind = _kind(object_type)
        with self.lock:
            return [
                str(i)
                for i in self._order[kind]
                if (self._records[kind][i].archived_ms is not None) == archived
            ]

    def associate(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        labels: list[str] | None = None,
    ) -> None:
        """Associate two records, with USER_DEFINED labels by their text (KeyError if unknown)."""
        src, dst = _kind(from_type), _kind(to_type)
        with self.lock:
            self._live(src, from_id)
            self._live(dst, to_id)
            type_ids = [self._label_id(src, dst, label) for label in labels or []]
            self.associations.add(src, int(from_id), dst, int(to_id), type_ids)

    def dissociate(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        labels: list[str] | None = None,
    ) -> None:
        """Remove some labels of an association or, without labels, the association."""
        src, dst = _kind(from_type), _kind(to_type)
        with self.lock:
            type_ids = None if labels is None else [self._label_id(src, dst, x) for x in labels]
            self.associations.remove(src, int(from_id), dst, int(to_id), type_ids)

    def create_label(
        self, from_type: str, to_type: str, label: str, inverse_label: str | None = None
    ) -> int:
        """Define a USER_DEFINED association label; returns its type id (from -> to)."""
        src, dst = _kind(from_type), _kind(to_type)
        with self.lock:
            name = "".join(c if c.isalnum() else "_" for c in label.lower()).strip("_")
            forward, _ = self.associations.create_label(src, dst, label, name, inverse_label)
            return forward.type_id

    def _label_id(self, src: str, dst: str, label: str) -> int:
        found = self.associations.find_label(src, dst, label)
        if found is None:
            raise KeyError(f"no association label {label!r} from {src} to {dst}")
        return found.type_id

    # owners --------------------------------------------------------------------------------
    def add_owner(
        self,
        first_name: str,
        last_name: str,
        email: str | None = None,
        archived: bool = False,
        owner_id: str | None = None,
    ) -> str:
        """Add a HubSpot user as an owner; returns the owner id."""
        with self.lock:
            oid = owner_id or str(next(self._owner_ids))
            now = self.now_ms()
            mail = email or f"{first_name}.{last_name}@example.com".lower()
            user_id = 9_000_000 + len(self.owners) + 1
            self.owners[oid] = Owner(oid, mail, first_name, last_name, user_id, archived, now, now)
            return oid

    def set_owner_archived(self, owner_id: str, archived: bool = True) -> None:
        """Deactivate (or reactivate) an owner."""
        with self.lock:
            owner = self.owners[owner_id]
            owner.archived = archived
            owner.updated_ms = self.now_ms()

    def active_owner_ids(self) -> tuple[str, ...]:
        """Ids of owners who can be assigned records."""
        with self.lock:
            return tuple(o.id for o in self.owners.values() if not o.archived)

    # property definitions ------------------------------------------------------------------
    def add_property(self, object_type: str, definition: PropertyDef) -> PropertyDef:
        """Add a property definition (ValueError if the name is taken)."""
        kind = _kind(object_type)
        with self.lock:
            if definition.name in self.properties[kind]:
                raise ValueError(f"A property named '{definition.name}' already exists.")
            stamped = replace(definition, hubspot_defined=False, created_ms=self.now_ms())
            self.properties[kind][definition.name] = stamped
            return stamped

    def delete_property(self, object_type: str, name: str) -> None:
        """Remove a property definition and its values from every record."""
        kind = _kind(object_type)
        with self.lock:
            del self.properties[kind][name]
            for record in self._records[kind].values():
                record.props.pop(name, None)

    def options(self, kind: str, name: str) -> tuple[tuple[str, str], ...] | None:
        """Options of properties whose choices live elsewhere (pipelines, stages, owners)."""
        if name == "pipeline" and kind == "deals":
            return tuple((p.id, p.label) for p in self.pipelines)
        if name == "dealstage" and kind == "deals":
            return tuple((s.id, s.label) for p in self.pipelines for s in p.stages)
        if name == "hubspot_owner_id":
            return tuple(
                (o.id, f"{o.first_name} {o.last_name}")
                for o in self.owners.values()
                if not o.archived
            )
        return None

    def pipeline(self, pipeline_id: str) -> schema.Pipeline | None:
        """A deal pipeline by id."""
        return next((p for p in self.pipelines if p.id == pipeline_id), None)

    # writers shared with the routes (hold `lock`) --------------------------------------------
    def validate(
        self, kind: str, values: Mapping[str, Any], current: Record | None = None
    ) -> tuple[dict[str, str], list[Problem]]:
        """Normalize an API write; problems as HubSpot reports them. Hold `lock`."""
        definitions = self.properties[kind]
        dynamic = {
            name: tuple(v for v, _ in opts)
            for name in ("pipeline", "dealstage", "hubspot_owner_id")
            if (opts := self.options(kind, name)) is not None
        }
        clean, problems = normalize_all(
            definitions, values, dynamic, frozenset(system_properties(kind))
        )
        if kind == "tasks" and current is None and not clean.get("hs_timestamp"):
            problems.append(
                problem("hs_timestamp", "REQUIRED_FIELD", "hs_timestamp is a required property")
            )
        if kind == "deals" and clean.get("dealstage"):
            pipe_id = clean.get("pipeline") or (current.props.get("pipeline") if current else None)
            pipe = self.pipeline(pipe_id or "default")
            if pipe is not None and clean["dealstage"] not in pipe.stage_ids():
                message = (
                    f"{clean['dealstage']} is not a valid stage of pipeline {pipe.id}: "
                    f"{', '.join(pipe.stage_ids())}"
                )
                problems.append(problem("dealstage", "INVALID_OPTION", message))
        return clean, problems

    def insert(self, kind: str, props: dict[str, str]) -> Record:
        """Add a record with already-normalized properties. Hold `lock`."""
        now = self.now_ms()
        if kind == "deals" and props.get("dealstage") and not props.get("pipeline"):
            props["pipeline"] = "default"
        if kind == "tasks":
            props.setdefault("hs_task_status", "NOT_STARTED")
            props.setdefault("hs_task_type", "TODO")
            self._complete(props, now)
        record = Record(next(self._ids), props, now, now)
        if self.search_lag_seconds > 0:
            record.lag_until_ms = now + int(self.search_lag_seconds * 1000)
        self._records[kind][record.id] = record
        self._order[kind].append(record.id)
        return record

    def patch(self, kind: str, record: Record, props: Mapping[str, str]) -> None:
        """Apply normalized properties to a record and bump its modification time."""
        now = self.now_ms()
        if self.search_lag_seconds > 0:
            if now >= record.lag_until_ms:  # the index had caught up: keep that version
                record.stale = (dict(record.props), record.updated_ms)
            record.lag_until_ms = now + int(self.search_lag_seconds * 1000)
        record.props.update(props)
        if kind == "tasks":
            self._complete(record.props, now)
        record.updated_ms = now

    @staticmethod
    def _complete(props: dict[str, str], now: int) -> None:
        """Tasks: stamp hs_task_completion_date when completed, clear it when reopened."""
        if props.get("hs_task_status") == "COMPLETED":
            if not props.get("hs_task_completion_date"):
                props["hs_task_completion_date"] = iso_ms(now)
        else:
            props.pop("hs_task_completion_date", None)

    # readers shared with the routes (hold `lock`) --------------------------------------------
    def find(self, kind: str, object_id: str | int, archived: bool = False) -> Record | None:
        """A record by id; archived ones only with archived=True. Hold `lock`."""
        try:
            record = self._records[kind].get(int(object_id))
        except ValueError:
            return None
        if record is None or (record.archived_ms is not None) != archived:
            return None
        return record

    def find_by(self, kind: str, name: str, value: str) -> Record | None:
        """The first live record whose property `name` equals `value` (idProperty reads)."""
        if name == "hs_object_id":
            return self.find(kind, value)
        return next(
            (
                r
                for r in self._records[kind].values()
                if r.archived_ms is None and r.props.get(name) == value
            ),
            None,
        )

    def view(self, kind: str, record: Record) -> dict[str, str]:
        """Every property of a record, the store-maintained ones included."""
        id_name, created, modified = system_properties(kind)
        out = dict(record.props)
        out[id_name] = str(record.id)
        out[created] = iso_ms(record.created_ms)
        out[modified] = iso_ms(record.updated_ms)
        return out

    def page(
        self, kind: str, after: int, limit: int, archived: bool
    ) -> tuple[list[Record], int | None]:
        """Records with id >= after in id order, and the id to continue from (or None)."""
        order = self._order[kind]
        records = self._records[kind]
        out: list[Record] = []
        for index in range(bisect.bisect_left(order, after), len(order)):
            record = records[order[index]]
            if (record.archived_ms is not None) != archived:
                continue
            if len(out) == limit:
                return out, record.id
            out.append(record)
        return out, None

    def searchable(
        self, kind: str, min_id: int = 0
    ) -> Iterator[tuple[int, dict[str, str], int, int]]:
        """(id, properties, created ms, updated ms) as the lagging search index sees them, in id
        order, from the first id at or above `min_id`. Hold `lock`."""
        now = self.now_ms()
        order = self._order[kind]
        records = self._records[kind]
        for index in range(bisect.bisect_left(order, min_id), len(order)):
            record = records[order[index]]
            if record.archived_ms is not None:
                continue
            if now < record.lag_until_ms:
                if record.stale is None:
                    continue  # created inside the lag window: not indexed yet
                props, updated = record.stale
                yield record.id, props, record.created_ms, updated
            else:
                yield record.id, record.props, record.created_ms, record.updated_ms

    def linked(self, kind: str, object_id: int, to_kind: str) -> dict[int, tuple[int, ...]]:
        """Live associated records of one record: to id -> association type ids."""
        targets = self.associations.targets(kind, object_id, to_kind)
        live = self._records[to_kind]
        return {
            i: types for i, types in targets.items() if i in live and live[i].archived_ms is None
        }

    # helpers -------------------------------------------------------------------------------
    def _live(self, kind: str, object_id: str) -> Record:
        record = self.find(kind, object_id)
        if record is None:
            raise KeyError(f"no {kind} record {object_id}")
        return record

    def _convert(self, kind: str, values: Mapping[str, Value]) -> dict[str, str]:
        definitions = self.properties[kind]
        out: dict[str, str] = {}
        for name, value in values.items():
            definition = definitions.get(name)
            if definition is None:
                raise KeyError(f"{kind} has no property {name!r}")
            if definition.type == "enumeration":
                out[name] = "" if value is None else str(value)
            else:
                out[name] = normalize(definition, value)
        return out

    def generate(
        self, n_deals: int, contacts_per_deal: int = 3, tasks_per_deal: int = 1, seed: int = 0
    ) -> list[str]:
        """Add synthetic deals with contacts and tasks (see `sandbox.hubspot.generate`)."""
        from sandbox.hubspot.generate import generate  # the generator builds on this class

        return generate(self, n_deals, contacts_per_deal, tasks_per_deal, seed)

    def count(self, object_type: str) -> int:
        """How many live records of a type exist."""
        kind = _kind(object_type)
        with self.lock:
            return sum(1 for r in self._records[kind].values() if r.archived_ms is None)

    def bulk_insert(self, kind: str, rows: list[tuple[dict[str, str], int, int]]) -> list[int]:
        """Insert (properties, created ms, updated ms) rows as they are. Hold `lock`."""
        ids: list[int] = []
        records = self._records[kind]
        order = self._order[kind]
        for props, created_ms, updated_ms in rows:
            record = Record(next(self._ids), props, created_ms, updated_ms)
            records[record.id] = record
            order.append(record.id)
            ids.append(record.id)
        return ids


__all__ = ["AssociationError", "HubSpotStore", "Owner", "Record"]
