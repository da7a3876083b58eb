"""Per-gate configuration: turn gates on or off and change their params.

An override is an object with `.enabled` (bool or None: leave as is) and `.params` (a mapping
merged over the gate's params), such as `sync.config.GateOverride`, or a plain dict with those
keys. Overrides are checked as strictly as gate files: an unknown gate id, a param the gate's
kind does not take, or a param value the kind refuses is a problem, reported with the key path
of the configuration (`gates.overrides.<gate id>.params.<name>: ...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from gates.model import Gate, freeze, thaw
from gates.spec import SPEC_BY_KIND, params_model


def _parts(value: Any, at: str, problems: list[str]) -> tuple[bool | None, Mapping[str, Any]]:
    """`(enabled, params)` of an override object or dict."""
    if isinstance(value, Mapping):
        for key in value:
            if key not in {"enabled", "params"}:
                problems.append(f"{at}.{key}: unknown key (enabled, params)")
        enabled, params = value.get("enabled"), value.get("params")
    else:
        enabled, params = getattr(value, "enabled", None), getattr(value, "params", None)
    if enabled is not None and not isinstance(enabled, bool):
        problems.append(f"{at}.enabled: expected true or false (got {enabled!r})")
        enabled = None
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        problems.append(f"{at}.params: expected a mapping of parameters (got {params!r})")
        params = {}
    return enabled, params


# (gate id, parameter) -> the gate that took the parameter over when a rule was split, so that
# an override written for the old rule is refused with the place to move it to.
MOVED_PARAMS: Mapping[tuple[str, str], str] = {
    # key_person_contacted became the milestone "D met" (slide 56); how recently key persons
    # were contacted is the ongoing key_person_in_touch.
    ("key_person_contacted", "within_days"): "key_person_in_touch",
}


def _with_params(gate: Gate, params: Mapping[str, Any], at: str, problems: list[str]) -> Gate:
    model = params_model(gate.kind)
    takes = sorted(model.model_fields)
    unknown = [name for name in params if name not in model.model_fields]
    for name in unknown:
        offer = f"takes: {', '.join(takes)}" if takes else "takes no parameters"
        moved = MOVED_PARAMS.get((gate.id, name))
        hint = f"; it moved to gate {moved!r}: set it there" if moved else ""
        problems.append(
            f"{at}.params.{name}: not a parameter of gate {gate.id!r} "
            f"(kind {gate.kind} {offer}){hint}"
        )
    if unknown or not params:
        return gate
    merged = {**thaw(gate.params), **params}
    # Re-validate the whole gate, so checks that span params and evidence run again.
    spec_class = SPEC_BY_KIND[gate.kind]
    try:
        spec = spec_class.model_validate(
            {
                "id": gate.id,
                "phase": gate.phase,
                "kind": gate.kind,
                "evidence": list(gate.evidence),
                "params": merged,
                "title": {"en": gate.title.en or gate.id},
            }
        )
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            field = ".".join(loc[1:]) if loc[:1] == ["params"] else ".".join(loc)
            message = str(error["msg"]).removeprefix("Value error, ").removeprefix("params: ")
            got = error.get("input")
            shown = f" (got {got!r})" if error["type"] != "value_error" and got is not None else ""
            problems.append(f"{at}.params{'.' + field if field else ''}: {message}{shown}")
        return gate
    return replace(gate, params=freeze(spec.params.model_dump(mode="json")))


def apply_overrides(
    gates: tuple[Gate, ...], overrides: Mapping[str, Any], at: str, problems: list[str]
) -> tuple[Gate, ...]:
    """`gates` with `overrides` (gate id -> override) applied; problems are appended."""
    by_id = {gate.id: gate for gate in gates}
    for gate_id, value in overrides.items():
        key = f"{at}.{gate_id}"
        gate = by_id.get(gate_id)
        enabled, params = _parts(value, key, problems)
        if gate is None:
            problems.append(f"{key}: unknown gate id {gate_id!r}")
            continue
        gate = _with_params(gate, params, key, problems)
        if enabled is not None:
            gate = replace(gate, enabled=enabled)
        by_id[gate_id] = gate
    return tuple(by_id[gate.id] for gate in gates)
