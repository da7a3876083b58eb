"""The architecture's one-way data flow, checked on the imports (docs/design.md section 2).

connector -> mappings -> gates -> sync planner -> connector writes: `gates/` reads only its own
files; `connector/` knows nothing of gates; `sandbox/` is an independent model of the CRM, so a
connector bug cannot hide behind a matching sandbox bug. `state/` (the state stores) knows only
the connector's cursor type, nothing of the engine that uses it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "gates": {"connector", "mappings", "state", "sync", "sandbox", "cli"},
    "mappings": {"state", "sync", "sandbox", "cli"},
    "connector": {"gates", "mappings", "state", "sync", "sandbox", "cli"},
    "sandbox": {"connector", "gates", "mappings", "state", "sync", "cli"},
    "state": {"gates", "mappings", "sync", "sandbox", "cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_the_data_flow_allows(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
        if _imports(path) & FORBIDDEN[package]
    }
    assert offenders == {}
