"""The gate catalog (data) and its pure evaluator: deal snapshot in, results out.

```python
from gates import load_catalog, evaluate_deal
catalog = load_catalog()                      # the 23 built-in gates, plus files and overrides
evaluation = evaluate_deal(snapshot, now, catalog)
```

Modules: `catalog.yaml` (the gates as data), `spec` (the gate file format), `loader` (files to
gates with file:line problems), `overrides` (enable/disable and params), `catalog` (the loaded
catalog), `kinds` (one evaluator per kind), `reasons` (why a gate failed, in English and
Japanese), `placeholder` (the placeholder rule), `phases` (phase resolution), `findings`,
`forecast` (evidence score and probability), `evaluate`.
"""

from __future__ import annotations

from gates.catalog import Catalog, gate_rows, load_catalog
from gates.evaluate import evaluate_deal
from gates.kinds import evaluate_gate
from gates.model import Gate, GateConfigError, Text
from gates.phases import resolve_phase
from gates.placeholder import is_placeholder
from gates.reasons import Reason, localize

__all__ = [
    "Catalog",
    "Gate",
    "GateConfigError",
    "Reason",
    "Text",
    "evaluate_deal",
    "evaluate_gate",
    "gate_rows",
    "is_placeholder",
    "load_catalog",
    "localize",
    "resolve_phase",
]
