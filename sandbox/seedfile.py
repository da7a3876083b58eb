"""Reading a seed file (JSON or YAML) for either sandbox CRM, refusing what cannot be a seed.

A seed file is read whole into plain data; every way it can be unusable (unreadable, not UTF-8,
not JSON or YAML, a YAML document whose aliases expand past `MAX_ALIAS_NODES` nodes or recurse)
raises `SeedError` with the file named, so `dealgate sandbox serve --seed` says one line. The
alias bound is the same rule as dealgate's own loaders; it is kept here, not imported, because
the sandbox imports nothing from the rest of dealgate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

MAX_ALIAS_NODES = 10_000


class SeedError(ValueError):
    """A seed that cannot be loaded; the message names the file or the bad entry."""


def _alias_growth(root: yaml.Node) -> int:
    """Nodes that aliases add to the document once written out; raises on a recursive alias."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise SeedError("refused: an alias refers to a node that contains it")
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        active.discard(key)
        sizes[key] = total
        return total

    return size(root) - len(sizes)


def parse_yaml(text: str) -> Any:
    """The data of a YAML document, as `yaml.safe_load`, with the alias bound; SeedError (with
    the line, when known) for anything that is not a usable YAML document."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        growth = _alias_growth(node)
        if growth > MAX_ALIAS_NODES:
            raise SeedError(
                f"refused: its aliases add {growth:,} nodes (at most {MAX_ALIAS_NODES:,})"
            )
        loader = yaml.SafeLoader("")
        try:
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}: " if mark is not None else ""
        raise SeedError(f"{at}not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise SeedError("the document is nested too deeply") from None


def read_seed_file(path: Path) -> Any:
    """The data of a .json, .yaml or .yml seed file; SeedError naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix == ".json" else parse_yaml(text)
    except OSError as exc:
        raise SeedError(f"{path}: cannot read the seed file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SeedError(f"{path}: the seed file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise SeedError(f"{path}: the seed file is nested too deeply") from None
    except SeedError as exc:
        raise SeedError(f"{path}: {exc}") from None
