"""Reading a YAML document safely: the one parser of gate, mapping and configuration files.

PyYAML builds an alias (`*name`) as a reference to its anchor's node, so a few hundred bytes of
nested anchors describe a document of billions of nodes ("billion laughs"): harmless until
something walks it, and every loader here walks it (environment expansion, line indexes,
validation). `compose` measures the document as it would be once every alias is written out and
refuses it when aliases add more than `MAX_ALIAS_NODES` nodes, or when an alias refers to a node
that contains it (a recursive document). The measure costs one visit per distinct node. Ordinary
uses of anchors (a shared list of stages, `<<: *defaults`) stay far below the bound.

Errors are `yaml.YAMLError`s, so each loader reports them as it reports a syntax error.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIAS_NODES = 10_000


class RefusedDocument(yaml.YAMLError):
    """A document that is valid YAML but refused (aliases expand too far, nesting too deep)."""

    def __init__(self, problem: str, node: yaml.Node | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = node.start_mark if node is not None else None


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """(nodes once every alias is written out, distinct nodes); raises on a recursive alias."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in active:
            raise RefusedDocument("an alias refers to a node that contains it", node)
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        active.discard(key)
        sizes[key] = total
        return total

    return size(root), len(sizes)


def compose(text: str) -> yaml.Node | None:
    """The node tree of a YAML document (None when empty), refused when its aliases expand
    beyond `MAX_ALIAS_NODES` nodes or recurse."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        expanded, distinct = _expanded_size(node)
    except RecursionError:
        raise RefusedDocument("the document is nested too deeply") from None
    if expanded - distinct > MAX_ALIAS_NODES:
        raise RefusedDocument(
            f"its aliases expand it to {expanded:,} nodes (at most {MAX_ALIAS_NODES:,} may come "
            "from aliases)",
            node,
        )
    return node


def construct(node: yaml.Node | None) -> Any:
    """Plain data (dicts, lists, scalars) from a composed node tree, as `yaml.safe_load`."""
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except RecursionError:
        raise RefusedDocument("the document is nested too deeply") from None
    finally:
        loader.dispose()


def load(text: str) -> tuple[yaml.Node | None, Any]:
    """(node tree, data) of a document, with `compose`'s bound."""
    node = compose(text)
    return node, construct(node)
