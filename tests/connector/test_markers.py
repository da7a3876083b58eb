"""The marker rule of docs/design.md sections 5 and 6: one line of the body, trimmed, is exactly
`dealgate:<gate_id>`; in HubSpot's HTML body the marker is a paragraph of its own."""

from __future__ import annotations

import pytest

from connector.markers import find_marker, html_body, plain_body

MARKED = [
    pytest.param("Ask the CFO.\n\ndealgate:budget_confirmed", id="last-line"),
    pytest.param("dealgate:budget_confirmed\nwritten by hand", id="first-line"),
    pytest.param("  dealgate:budget_confirmed \t\r\n", id="trimmed"),
    pytest.param("<p>Ask.</p><p>dealgate:budget_confirmed</p>", id="html-paragraph"),
    pytest.param("<div>Ask.<br>dealgate:budget_confirmed</div>", id="html-break"),
    pytest.param("<p>Ask.</p>\n<p> dealgate:budget_confirmed </p>", id="html-spaces"),
]
NOT_MARKED = [
    pytest.param(None, id="none"),
    pytest.param("", id="empty"),
    pytest.param("see dealgate:budget_confirmed for details", id="inside-a-sentence"),
    pytest.param("dealgate:budget_confirmed.", id="trailing-dot"),
    pytest.param("dealgate:budget_confirmed done", id="trailing-words"),
    pytest.param("<p>Ask about dealgate:budget_confirmed</p>", id="html-inside-a-sentence"),
    pytest.param("dealgate:", id="no-gate-id"),
    pytest.param("Dealgate:budget_confirmed", id="other-case-prefix"),
]


@pytest.mark.parametrize("body", MARKED)
def test_a_marker_line_makes_the_task_dealgates(body: str) -> None:
    assert find_marker(body) == "budget_confirmed"


@pytest.mark.parametrize("body", NOT_MARKED)
def test_a_marker_that_is_not_a_line_of_its_own_does_not_count(body: str | None) -> None:
    assert find_marker(body) is None


def test_written_bodies_carry_the_marker_the_reader_finds() -> None:
    text = "Deal: A & B <Co>\nWhat is missing: budget"
    assert find_marker(plain_body(text, "budget_confirmed")) == "budget_confirmed"
    assert find_marker(html_body(text, "budget_confirmed")) == "budget_confirmed"
    assert "<Co>" not in html_body(text, "budget_confirmed")  # CRM text is escaped
