"""Reading mapping files: YAML with line numbers, `extends: builtin`, every problem at once.

The YAML is composed into its node tree, not just loaded, so each key keeps the line it was
written on and a key given twice in one mapping (a stage mapped twice) is caught rather than
silently overwritten. Keys are taken as written ("Yes", "1234", "null" stay strings: they are
CRM labels and ids); values are read as YAML types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError

from gates import yamldoc
from gates.loader import yaml_problem
from mappings.errors import MappingError
from mappings.mapping import CrmMapping
from mappings.model import MappingFile, Path, check

BUILTIN_DIR = FilePath(__file__).parent / "builtin"
CRMS = ("salesforce", "hubspot")


@dataclass
class _Document:
    source: str
    data: dict[str, Any]
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def _scalar(node: yaml.ScalarNode) -> Any:
    # The node's tag is already resolved (int, bool, null, str...); construct just that value.
    return yaml.constructor.SafeConstructor().construct_object(node)


def _compose(node: yaml.Node, path: Path, doc: _Document) -> Any:
    """Plain data from a node tree, recording key lines and keys given twice."""
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key_path = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                first = doc.lines[key_path]
                is_stage = len(path) == 3 and path[2] == "stages"
                what = f"stage {key!r} is mapped" if is_stage else f"key {key!r} is given"
                doc.problems.append(
                    ((*key_path, f"@{line}"), f"{what} twice (first at line {first})")
                )
                doc.lines[(*key_path, f"@{line}")] = line
                continue
            doc.lines[key_path] = line
            result[key] = _compose(value_node, key_path, doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[(*path, str(i))] = item.start_mark.line + 1
            items.append(_compose(item, (*path, str(i)), doc))
        return items
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)


def _read(text: str, source: str) -> _Document:
    doc = _Document(source, {})
    try:
        node = yamldoc.compose(text)
        doc.lines[()] = 1 if node is None else node.start_mark.line + 1
        data = _compose(node, (), doc) if node is not None else {}
    except yaml.YAMLError as exc:
        raise MappingError([yaml_problem(exc, source)]) from None
    if not isinstance(data, dict):
        raise MappingError([f"{source}:1: a mapping file is a mapping of keys"])
    doc.data = data
    return doc


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`: mappings merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _located(path: Path, docs: list[_Document]) -> str:
    """`file:line` of the deepest key of `path` found in the documents (the user's first)."""
    best: tuple[int, str] = (-1, docs[0].source)
    for doc in docs:
        for depth in range(len(path), -1, -1):
            line = doc.lines.get(path[:depth])
            if line is not None:
                if depth > best[0]:
                    best = (depth, f"{doc.source}:{line}")
                break
    return best[1]


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path:
    """The key path of a pydantic error location, without the names of union branches."""
    path: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(data, dict) and str(item) in data:
            data = data[str(item)]
        elif isinstance(data, list) and isinstance(item, int) and item < len(data):
            data = data[item]
        elif i < len(loc) - 1 or not isinstance(data, dict):
            continue
        path.append(str(item))
    return tuple(path)


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "model_type":
        shape = {"FieldSpec": "a field name or {field: NAME, values: {...}}"}.get(
            error["ctx"]["class_name"], "a mapping of keys"
        )
        return f"expected {shape} (got {error.get('input')!r})"
    got = error.get("input")
    suffix = f" (got {got!r})" if not isinstance(got, dict | list) and got is not None else ""
    return f"{error['msg']}{suffix}"


def _line(where: str, path: Path, message: str) -> str:
    shown = [part for part in path if not part.startswith("@")]
    return f"{where}: {'.'.join(shown)}: {message}" if shown else f"{where}: {message}"


def parse_mapping(text: str, source: str = "<mapping>", crm: str | None = None) -> CrmMapping:
    """Parse and validate one mapping document (merged onto the bundled default when it says
    `extends: builtin`); raise MappingError with every problem, `file:line: message` each."""
    doc = _read(text, source)
    docs = [doc]
    data = doc.data
    problems: list[tuple[Path, str]] = list(doc.problems)
    if crm is not None and data.get("crm") not in (None, crm):
        problems.append((("crm",), f"this file maps {data.get('crm')!r}, not {crm!r}"))
    if data.get("extends") == "builtin" and data.get("crm") in CRMS:
        base = _read(_builtin_path(str(data["crm"])).read_text("utf-8"), _builtin_name(data["crm"]))
        docs.append(base)
        problems.extend(base.problems)
        data = _merge(base.data, {k: v for k, v in data.items() if k != "extends"})
    try:
        parsed = MappingFile.model_validate(data)
    except ValidationError as exc:
        seen: set[Path] = set()
        for error in exc.errors():
            path = _data_path(data, error["loc"])
            if path not in seen:
                seen.add(path)
                problems.append((path, _describe(error)))
        problems.extend(check(data))
    else:
        problems.extend(check(data))
        if not problems:
            return CrmMapping.from_file(parsed, source)
    located = [(_located(path, docs), path, msg) for path, msg in problems]
    located.sort(key=lambda item: _sort_key(item[0]))
    raise MappingError([_line(where, path, msg) for where, path, msg in located])


def _sort_key(where: str) -> tuple[str, int]:
    source, _, line = where.rpartition(":")
    return (source, int(line)) if line.isdigit() else (where, 0)


def _builtin_path(crm: str) -> FilePath:
    return BUILTIN_DIR / f"{crm}.yaml"


def _builtin_name(crm: str) -> str:
    return f"builtin/{crm}.yaml"


def load_mapping(crm: str, source: str = "builtin", base_dir: FilePath | None = None) -> CrmMapping:
    """The mapping for `crm`: the bundled default (`source="builtin"`) or the file at `source`,
    a relative path resolving against `base_dir` (the configuration file's folder)."""
    if crm not in CRMS:
        raise MappingError([f"{source}: no mapping for CRM {crm!r} (expected {' or '.join(CRMS)})"])
    if source == "builtin":
        return parse_mapping(_builtin_path(crm).read_text("utf-8"), _builtin_name(crm), crm)
    path = FilePath(source).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError([f"{path}: cannot read the mapping file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise MappingError(
            [f"{path}: the mapping file is not UTF-8 text (byte {exc.start + 1})"]
        ) from None
    return parse_mapping(text, str(path), crm)
