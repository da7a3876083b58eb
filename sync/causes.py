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


def shared_causes(results: Sequence[GateResult]) -> dict[str, str]:
    """gate id -> the id of the earlier failing gate whose task covers it: the gate fails only
    because one field is empty, and that earlier gate names the same empty field."""
    covered: dict[str, str] = {}
    empty_by: dict[str, str] = {}  # attribute -> first failing gate naming it as not set
    for result in results:
        if result.outcome is not Outcome.FAILED:
            continue
        only = _empty_field(result)
        if only is not None and only in empty_by:
            covered[result.gate_id] = empty_by[only]
            continue
        for reason in result.reasons:
            if getattr(reason, "code", None) == "not_set":
                attribute = reason.params.get("attribute")  # type: ignore[attr-defined]
                if isinstance(attribute, str):
                    empty_by.setdefault(attribute, result.gate_id)
    return covered
