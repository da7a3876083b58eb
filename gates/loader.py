"""Reading gate files into `Gate`s, with every problem reported at once as `file:line: message`.

The bundled catalog (gates/catalog.yaml) and the user's gate files go through the same parser
(format in gates/spec.py). Problems are collected, never raised one by one: an unknown kind,
attribute or phase, a bad param, an unknown key, a duplicate id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from gates import yamldoc
from gates.model import Gate, Text, freeze
from gates.snapshot import Phase
from gates.spec import SPEC_BY_KIND, GateFile, GateSpec, TextSpec

Lines = dict[tuple[str, ...], int]


def line_index(node: yaml.Node | None, path: tuple[str, ...] = ()) -> Lines:
    """key path -> 1-based line of that key (or list item) in the YAML source."""
    lines: Lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            lines[key_path] = key_node.start_mark.line + 1
            lines.update(line_index(value_node, key_path))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, str(i))] = item.start_mark.line + 1
            lines.update(line_index(item, (*path, str(i))))
    return lines


def yaml_problem(exc: yaml.YAMLError, source: str) -> str:
    """`source:line: not valid YAML: ...` for a parser error or a refused document."""
    mark = getattr(exc, "problem_mark", None)
    at = f"{source}:{mark.line + 1}" if mark is not None else source
    if isinstance(exc, yamldoc.RefusedDocument):
        return f"{at}: refused: {exc.problem}"
    return f"{at}: not valid YAML: {getattr(exc, 'problem', exc)}"


def where(source: str, lines: Lines, path: tuple[str, ...]) -> str:
    """`source:line` of the deepest known key on `path` (just `source` if none is known)."""
    probe = path
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    return f"{source}:{line}" if line else source


def _describe(error: Any) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    loc = error["loc"]
    if kind == "union_tag_invalid":
        return f"unknown kind {context.get('tag')!r} (known: {', '.join(sorted(SPEC_BY_KIND))})"
    if kind == "union_tag_not_found":
        return f"kind is missing (one of {', '.join(sorted(SPEC_BY_KIND))})"
    if kind == "enum" and loc and loc[-1] == "phase":
        return f"unknown phase {error.get('input')!r} (one of {', '.join(Phase)})"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    got = error.get("input")
    if kind != "value_error" and got is not None and not isinstance(got, dict | list):
        return f"{message} (got {got!r})"
    return message


def _path_of(loc: tuple[int | str, ...]) -> tuple[str, ...]:
    """A pydantic error location as a YAML key path, without the union tag."""
    path = [str(part) for part in loc]
    if len(path) > 2 and path[0] == "gates" and path[2] in SPEC_BY_KIND:
        del path[2]
    return tuple(path)


def _gate_name(raw: Any, path: tuple[str, ...]) -> str:
    if len(path) < 2 or path[0] != "gates" or not isinstance(raw, dict):
        return ""
    try:
        item = raw["gates"][int(path[1])]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"gate {item['id']!r}: "
    return f"gate #{int(path[1]) + 1}: "


def _field(path: tuple[str, ...]) -> str:
    rest = path[2:] if len(path) >= 2 and path[0] == "gates" else path
    return f"{'.'.join(rest)}: " if rest else ""


def _text(spec: TextSpec | None) -> Text:
    return Text("", "") if spec is None else Text(spec.en, spec.ja)


def to_gate(spec: GateSpec, source: str) -> Gate:
    """The frozen `Gate` of a validated gate spec; `source` is its `file:line`."""
    params = spec.params.model_dump(mode="json") if spec.params is not None else {}
    return Gate(
        id=spec.id,
        phase=spec.phase,
        kind=spec.kind,
        title=_text(spec.title),
        why=_text(spec.why),
        how=_text(spec.how),
        evidence=tuple(spec.evidence),
        params=freeze(params),
        enabled=spec.enabled,
        source=source,
        rule=spec.rule,
        action=_text(spec.action),
        ongoing=spec.ongoing,
        qualifying=spec.qualifying,
    )


def parse_gates(text: str, source: str) -> tuple[list[Gate], list[str]]:
    """Parse one gate file; returns its gates and its problems (`source:line: message`)."""
    try:
        node, raw = yamldoc.load(text)
    except yaml.YAMLError as exc:
        return [], [yaml_problem(exc, source)]
    if raw is None:
        return [], []
    if not isinstance(raw, dict):
        return [], [f"{source}: a gate file is a mapping with the key 'gates'"]
    lines = line_index(node)
    try:
        parsed = GateFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = _path_of(error["loc"])
            if error["type"] == "union_tag_invalid":
                path = (*path, "kind")  # point at the kind, not at the gate
            at = where(source, lines, path)
            problems.append(f"{at}: {_gate_name(raw, path)}{_field(path)}{_describe(error)}")
        return [], problems
    gates = [
        to_gate(spec, where(source, lines, ("gates", str(i))))
        for i, spec in enumerate(parsed.gates)
    ]
    return gates, []


def read_gate_file(path: Path, label: str | None = None) -> tuple[list[Gate], list[str]]:
    """Read and parse the gate file at `path` (`label` names it in messages)."""
    source = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [], [f"{source}: cannot read the gate file: {exc.strerror or exc}"]
    except UnicodeDecodeError:
        return [], [f"{source}: the gate file is not UTF-8 text"]
    return parse_gates(text, source)


def duplicate_problems(gates: Iterable[Gate]) -> list[str]:
    """One problem per gate whose id was already defined by an earlier gate."""
    first: dict[str, Gate] = {}
    problems = []
    for gate in gates:
        if gate.id in first:
            problems.append(
                f"{gate.source}: duplicate gate id {gate.id!r} "
                f"(first defined at {first[gate.id].source})"
            )
        else:
            first[gate.id] = gate
    return problems
