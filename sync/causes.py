"""Failing gates that share one cause: an empty field that an earlier failing gate already asks
for. The planner writes one task for the earlier gate, naming both steps, instead of two tasks
that ask the rep to fill in the same field (docs/design.md section 3, "one cause, one task").
Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from gates.results import GateResult, Outcome


def _empty_field(result: GateResult) -> str | None:
    """The attribute when the gate's one and only reason is that this field is empty."""
    if len(result.reasons) != 1:
        return None
    reason = result.reasons[0]
    if getattr(reason, "code", None) != "not_set":
        return None
    attribute = reason.params.get("attribute")  # type: ignore[attr-defined]
    return attribute if isinstance(attribute, str) else None


def _not_set(result: GateResult) -> tuple[str, ...]:
    """The attributes the result's reasons name as not set, in order."""
    found: list[str] = []
    for reason in result.reasons:
        if getattr(reason, "code", None) == "not_set":
            attribute = reason.params.get("attribute")  # type: ignore[attr-defined]
            if isinstance(attribute, str):
                found.append(attribute)
    return tuple(found)


_Causes = tuple[GateResult, str | None, tuple[str, ...]]
_CAUSES: dict[int, _Causes] = {}
_CAUSES_KEPT = 4096


def _causes(result: GateResult) -> _Causes:
    """(result, `_empty_field`, `_not_set`) of a failed result, worked out once per result object:
    evaluation shares one object per gate and reason set, so a cycle meets a few thousand. The
    entry keeps its result alive, so its id is not reused while the entry exists; bounded."""
    found = _CAUSES.get(id(result))
    if found is None or found[0] is not result:
        found = (result, _empty_field(result), _not_set(result))
        if len(_CAUSES) >= _CAUSES_KEPT:
            _CAUSES.clear()
        _CAUSES[id(result)] = found
    return found


def shared_causes(results: Sequence[GateResult]) -> dict[str, str]:
    """gate id -> the id of the earlier failing gate whose task covers it: the gate fails only
    because one field is empty, and that earlier gate names the same empty field."""
    covered: dict[str, str] = {}
    empty_by: dict[str, str] = {}  # attribute -> first failing gate naming it as not set
    for result in results:
        if result.outcome is not Outcome.FAILED:
            continue
        _, only, not_set = _causes(result)
        if only is not None and only in empty_by:
            covered[result.gate_id] = empty_by[only]
            continue
        for attribute in not_set:
            empty_by.setdefault(attribute, result.gate_id)
    return covered
