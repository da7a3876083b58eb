"""The method's fingerprint: one hash of the effective mapping and gate set.

An incremental cycle reads only the deals that changed in the CRM. A change on dealgate's side (a
new mapping file, a gate turned off, a parameter changed) changes what every deal's result is, so
the engine stores this fingerprint after each full cycle and runs a full cycle whenever the
fingerprint in force differs from the stored one (docs/design.md section 5).

The hash covers what decides results and tasks: the mapping's rows (fields, values, contacts,
roles, stances, stages, maintenance_after_days; not the file's name) and, per gate of the default
set and of every pipeline variant, its id, phase, kind, evidence, parameters, enabled flag and
task wording.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from gates import Catalog, Gate
from mappings import CrmMapping


def _gate(gate: Gate) -> list[Any]:
    return [
        gate.id,
        gate.phase.value,
        gate.kind,
        list(gate.evidence),
        {str(k): v for k, v in gate.params.items()},
        gate.enabled,
        [gate.title.get("en"), gate.title.get("ja")],
        [gate.why.get("en"), gate.how.get("en"), gate.why.get("ja"), gate.how.get("ja")],
        [gate.action.get("en"), gate.action.get("ja"), gate.ongoing, gate.qualifying],
    ]


def _gates(gates: Iterable[Gate]) -> list[Any]:
    return [_gate(g) for g in gates]


def method_fingerprint(mapping: CrmMapping, catalog: Catalog) -> str:
    """A short hex digest that changes when the mapping or the gate set changes."""
    content = {
        "mapping": [list(row) for row in mapping.rows() if row[:2] != ("settings", "source")],
        "gates": _gates(catalog.gates),
        "pipelines": {p: _gates(catalog.for_pipeline(p)) for p in sorted(catalog.pipelines)},
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
