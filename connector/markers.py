"""The task marker: how dealgate recognizes its own tasks in the CRM (docs/design.md sections 5, 6).

dealgate writes the marker `dealgate:<gate_id>` as the last line of a task body (Salesforce
`Description`), or as the last paragraph of an HTML body (HubSpot `hs_task_body`), after every
other line. A task is dealgate's when the last line of its body that, trimmed, has exactly that
form names a gate. In HTML, paragraph and line-break tags count as line ends and other tags are
dropped before lines are compared.

Text from the CRM (deal and contact names, field values) goes into a body only through
`inline`, which turns every line separator `str.splitlines()` knows and every other control
character into a space, and HubSpot bodies escape it as HTML. So no CRM text can make a line of
its own, let alone one after the marker, whatever characters it holds. Bodies written before that
rule may hold lines forged by CRM text (a deal named "Acme\\ndealgate:approval_granted"); such
lines always precede the marker dealgate appended, so taking the last marker line reads those old
tasks right as well. A line a rep adds below the marker does not unmark the task.

Both CRMs cap the body's length (`PLAIN_BODY_MAX`, `HTML_BODY_MAX`): the text is cut before the
marker is added, never the marker.
"""

from __future__ import annotations

import html
import re

PREFIX = "dealgate:"
_GATE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BREAKS = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
# Every character str.splitlines() splits on (\n \r \x0b \x0c \x1c-\x1e \x85 U+2028 U+2029), the
# other C0 and C1 controls and DEL: none of them belongs in one line of a task.
_NOT_INLINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Length limits, counted in UTF-16 code units as both CRMs count string length (a character
# outside the Basic Multilingual Plane counts twice).
# Salesforce Task.Description is a Long Text Area(32000) and Task.Subject a string(255): Object
# Reference for the Salesforce Platform, "Task",
# https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
PLAIN_BODY_MAX = 32_000
# HubSpot caps a text property value written through the CRM at 65,536 characters ("Property
# field types in HubSpot", https://knowledge.hubspot.com/properties/property-field-types-in-hubspot);
# `hs_task_body` holds HTML, so the cap applies to the HTML, tags and entities included.
HTML_BODY_MAX = 65_536
SUBJECT_MAX = 255  # Salesforce Task.Subject; HubSpot documents no smaller cap for hs_task_subject
ELLIPSIS = "…"


def marker(gate_id: str) -> str:
    """The marker line for a gate."""
    return f"{PREFIX}{gate_id}"


def inline(text: str) -> str:
    """CRM text made safe for one line of a task body: every line separator and control
    character becomes a space, so the text can never start a line (or a marker) of its own."""
    return _NOT_INLINE.sub(" ", text)


def units(text: str) -> int:
    """The length of `text` in UTF-16 code units, as Salesforce and HubSpot count it."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 code units, ending in "…" when cut."""
    if units(text) <= limit:
        return text
    budget = limit - units(ELLIPSIS)
    kept: list[str] = []
    for char in text:
        budget -= units(char)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def _lines(body: str) -> list[str]:
    text = _BREAKS.sub("\n", body)
    text = html.unescape(_TAGS.sub("", text))
    return text.splitlines()


def find_marker(body: str | None) -> str | None:
    """The gate id of the last marker line in `body` (plain text or HTML), or None."""
    if not body or PREFIX not in body:
        return None
    for line in reversed(_lines(body)):
        stripped = line.strip()
        if stripped.startswith(PREFIX):
            gate_id = stripped[len(PREFIX) :]
            if _GATE_ID.match(gate_id):
                return gate_id
    return None


def _plain_lines(body: str) -> list[str]:
    """The lines of a plain-text body as dealgate wrote them: split on "\\n" only, each line
    made inline (a stray separator inside a line never becomes a line end)."""
    return [inline(line) for line in body.rstrip().split("\n")]


def plain_body(body: str, gate_id: str, limit: int = PLAIN_BODY_MAX) -> str:
    """A plain-text body (Salesforce `Description`): the text, a blank line, the marker last.
    The text is cut so that the whole body fits in `limit`; the marker never is."""
    tail = f"\n\n{marker(gate_id)}"
    text = "\n".join(_plain_lines(body)).rstrip()
    return clip(text, max(0, limit - units(tail))) + tail


def html_body(body: str, gate_id: str, limit: int = HTML_BODY_MAX) -> str:
    """An HTML body (HubSpot `hs_task_body`): one paragraph per line, the marker in the last.
    Paragraphs are dropped from the end (the last kept one cut) so that the whole fits in
    `limit`; the marker never is cut."""
    tail = f"<p>{marker(gate_id)}</p>"
    room = limit - units(tail)
    paragraphs: list[str] = []
    for line in _plain_lines(body):
        if not line:
            continue
        paragraph = f"<p>{html.escape(line)}</p>"
        if units(paragraph) > room:
            # cut the line's text (before escaping, so no entity is split) to what still fits
            text = line
            while text and units(paragraph) > room:
                text = clip(text, max(0, units(text) - (units(paragraph) - room)))
                if text == ELLIPSIS:
                    break
                paragraph = f"<p>{html.escape(text)}</p>"
            if units(paragraph) <= room and text.strip(ELLIPSIS):
                paragraphs.append(paragraph)
            break
        paragraphs.append(paragraph)
        room -= units(paragraph)
    paragraphs.append(tail)
    return "".join(paragraphs)
