"""`dealgate gates list --format json|csv`: the catalog's rows for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

Row = tuple[str, str, str, bool]  # (id, phase, title, enabled), as `gates.gate_rows` gives them


def gates_json(rows: Sequence[Row]) -> str:
    """The rows as a JSON array of objects, one per gate, in catalog order."""
    items = [
        {"id": gate_id, "phase": phase, "title": title, "enabled": enabled}
        for gate_id, phase, title, enabled in rows
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def gates_csv(rows: Sequence[Row]) -> str:
    """The rows as CSV with a header row (`enabled` is true or false)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("id", "phase", "title", "enabled"))
    for gate_id, phase, title, enabled in rows:
        writer.writerow((gate_id, phase, title, "true" if enabled else "false"))
    return out.getvalue()
