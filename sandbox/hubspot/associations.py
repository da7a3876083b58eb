"""Associations between objects, with HubSpot's typed, labelled, two-way semantics.

An association between two records always carries the pair's HUBSPOT_DEFINED (unlabelled) type;
USER_DEFINED labels ride on top of it. Every type has an inverse, so writing deal -> contact with
type 3 and label "Decision maker" is also readable as contact -> deal with type 4 and the label's
inverse. The index is not thread-safe on its own: the store holds its lock around every call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sandbox.hubspot.schema import FIRST_USER_TYPE_ID, HUBSPOT_DEFINED, AssociationType

Links = dict[int, dict[int, tuple[int, ...]]]  # from id -> to id -> type ids


class AssociationError(ValueError):
    """An association request HubSpot would refuse (unknown type id, wrong object pair)."""


class AssociationIndex:
    """Association types (HubSpot-defined and labels) and the links between records."""

    def __init__(self) -> None:
        self.types: dict[int, AssociationType] = {t.type_id: t for t in HUBSPOT_DEFINED}
        self._defaults = {(t.from_type, t.to_type): t for t in HUBSPOT_DEFINED}
        self._next_id = FIRST_USER_TYPE_ID
        self._links: dict[tuple[str, str], Links] = {}
        self._shared: dict[tuple[int, ...], tuple[int, ...]] = {}  # one tuple per distinct set

    # types ---------------------------------------------------------------------------------
    def default_type(self, from_type: str, to_type: str) -> AssociationType:
        """The pair's unlabelled HUBSPOT_DEFINED type; AssociationError if the pair has none."""
        found = self._defaults.get((from_type, to_type))
        if found is None:
            raise AssociationError(f"{from_type} cannot be associated with {to_type}")
        return found

    def types_between(self, from_type: str, to_type: str) -> list[AssociationType]:
        """Every type of the pair, HubSpot-defined first, then labels by id."""
        found = [t for t in self.types.values() if (t.from_type, t.to_type) == (from_type, to_type)]
        return sorted(found, key=lambda t: (t.category != "HUBSPOT_DEFINED", t.type_id))

    def find_label(self, from_type: str, to_type: str, label: str) -> AssociationType | None:
        """The USER_DEFINED type of the pair carrying `label`, if any."""
        for t in self.types_between(from_type, to_type):
            if t.label == label:
                return t
        return None

    def create_label(
        self, from_type: str, to_type: str, label: str, name: str, inverse_label: str | None
    ) -> tuple[AssociationType, AssociationType]:
        """A new label and its inverse direction (labelled `inverse_label`, or `label`)."""
        self.default_type(from_type, to_type)  # the pair must be associable at all
        if self.find_label(from_type, to_type, label) is not None:
            raise AssociationError(f"an association label '{label}' already exists")
        forward_id, inverse_id = self._next_id, self._next_id + 1
        self._next_id += 2
        forward = AssociationType(
            forward_id, from_type, to_type, "USER_DEFINED", name, label, inverse_id
        )
        back_label = inverse_label or label
        inverse = AssociationType(
            inverse_id, to_type, from_type, "USER_DEFINED", _name(back_label), back_label,
            forward_id,
        )  # fmt: skip
        self.types[forward_id] = forward
        self.types[inverse_id] = inverse
        return forward, inverse

    # links ---------------------------------------------------------------------------------
    def add(
        self, from_type: str, from_id: int, to_type: str, to_id: int, type_ids: Iterable[int] = ()
    ) -> tuple[int, ...]:
        """Associate two records with the default type plus `type_ids`; both directions."""
        default = self.default_type(from_type, to_type)
        wanted = {default.type_id}
        for type_id in type_ids:
            t = self.types.get(type_id)
            if t is None or (t.from_type, t.to_type) != (from_type, to_type):
                raise AssociationError(
                    f"association type id {type_id} does not exist between {from_type} "
                    f"and {to_type}"
                )
            wanted.add(type_id)
        forward = self._merge(from_type, from_id, to_type, to_id, wanted)
        self._merge(to_type, to_id, from_type, from_id, {self.types[i].inverse_id for i in wanted})
        return forward

    def bulk_add(
        self, from_type: str, to_type: str, links: Iterable[tuple[int, int, tuple[int, ...]]]
    ) -> None:
        """Add many (from id, to id, label type ids) links between records known to exist."""
        forward = self._links.setdefault((from_type, to_type), {})
        backward = self._links.setdefault((to_type, from_type), {})
        default = self.default_type(from_type, to_type).type_id
        resolved: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        for from_id, to_id, labels in links:
            pair = resolved.get(labels)
            if pair is None:
                types = self._share({default, *labels})
                pair = types, self._share({self.types[t].inverse_id for t in types})
                resolved[labels] = pair
            forward.setdefault(from_id, {})[to_id] = pair[0]
            backward.setdefault(to_id, {})[from_id] = pair[1]

    def remove(
        self, from_type: str, from_id: int, to_type: str, to_id: int, type_ids: Iterable[int] | None
    ) -> None:
        """Remove labels (or, with None, the whole association) between two records."""
        current = self._links.get((from_type, to_type), {}).get(from_id, {}).get(to_id, ())
        drop = set(current) if type_ids is None else set(type_ids)
        if self.default_type(from_type, to_type).type_id in drop:
            drop = set(current)  # without the base type nothing can remain
        self._subtract(from_type, from_id, to_type, to_id, drop)
        inverse = {self.types[i].inverse_id for i in drop if i in self.types}
        self._subtract(to_type, to_id, from_type, from_id, inverse)

    def targets(self, from_type: str, from_id: int, to_type: str) -> dict[int, tuple[int, ...]]:
        """to id -> type ids of one record's associations to one object type (a copy)."""
        return dict(self._links.get((from_type, to_type), {}).get(from_id, {}))

    def _merge(
        self, from_type: str, from_id: int, to_type: str, to_id: int, type_ids: set[int]
    ) -> tuple[int, ...]:
        per_record = self._links.setdefault((from_type, to_type), {}).setdefault(from_id, {})
        merged = self._share(set(per_record.get(to_id, ())) | type_ids)
        per_record[to_id] = merged
        return merged

    def _subtract(
        self, from_type: str, from_id: int, to_type: str, to_id: int, type_ids: set[int]
    ) -> None:
        per_record = self._links.get((from_type, to_type), {}).get(from_id)
        if per_record is None or to_id not in per_record:
            return
        left = set(per_record[to_id]) - type_ids
        if left:
            per_record[to_id] = self._share(left)
        else:
            del per_record[to_id]

    def _share(self, type_ids: set[int]) -> tuple[int, ...]:
        key = tuple(sorted(type_ids))
        return self._shared.setdefault(key, key)


def _name(label: str) -> str:
    """An internal name for a label: lower case, underscores."""
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or "label"
