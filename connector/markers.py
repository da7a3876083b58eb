"""The task marker: how dealgate recognizes its own tasks in the CRM (docs/design.md sections 5, 6).

A task is dealgate's when one line of its body, trimmed, is exactly `dealgate:<gate_id>`. In
HubSpot's HTML `hs_task_body` the marker stands in a paragraph of its own, so paragraph and line
break tags count as line ends and other tags are dropped before the lines are compared.
"""

from __future__ import annotations

import html
import re

PREFIX = "dealgate:"
_GATE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BREAKS = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def marker(gate_id: str) -> str:
    """The marker line for a gate."""
    return f"{PREFIX}{gate_id}"


def _lines(body: str) -> list[str]:
    text = _BREAKS.sub("\n", body)
    text = html.unescape(_TAGS.sub("", text))
    return text.splitlines()


def find_marker(body: str | None) -> str | None:
    """The gate id of the first marker line in `body` (plain text or HTML), or None."""
    if not body or PREFIX not in body:
        return None
    for line in _lines(body):
        stripped = line.strip()
        if stripped.startswith(PREFIX):
            gate_id = stripped[len(PREFIX) :]
            if _GATE_ID.match(gate_id):
                return gate_id
    return None


def plain_body(body: str, gate_id: str) -> str:
    """A plain-text body (Salesforce `Description`) with the marker on the last line."""
    return f"{body.rstrip()}\n\n{marker(gate_id)}"


def html_body(body: str, gate_id: str) -> str:
    """An HTML body (HubSpot `hs_task_body`): one paragraph per line, the marker in its own."""
    paragraphs = [f"<p>{html.escape(line)}</p>" for line in body.rstrip().splitlines() if line]
    paragraphs.append(f"<p>{marker(gate_id)}</p>")
    return "".join(paragraphs)
