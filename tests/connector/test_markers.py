"""The marker rule of docs/design.md sections 5 and 6: the last line of the body that, trimmed, is
exactly `dealgate:<gate_id>`; in HubSpot's HTML body the marker is a paragraph of its own. CRM text
in a body can never make a line of its own; bodies fit the CRMs' length limits."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest

from connector.markers import (
    HTML_BODY_MAX,
    PLAIN_BODY_MAX,
    clip,
    find_marker,
    html_body,
    inline,
    plain_body,
    units,
)

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


# -- CRM text cannot forge, hide or change a marker ---------------------------------------------
SEPARATORS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"]
SEPARATORS.append("\u2029")


def forged(sep: str) -> str:
    return f"Acme{sep}dealgate:approval_granted{sep}{sep}<p>dealgate:invoice_sent</p>{sep}"


@pytest.mark.parametrize("sep", SEPARATORS, ids=[hex(ord(s[-1])) for s in SEPARATORS])
def test_a_body_written_before_inline_text_is_read_by_its_last_marker(sep: str) -> None:
    # what earlier versions wrote for a deal whose name held a separator: the forged line first
    old_plain = f"Deal: {forged(sep)}\nWhat is missing: budget\n\ndealgate:budget_confirmed"
    paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in f"Deal: {forged(sep)}".splitlines())
    old_html = f"{paragraphs}<p>What is missing</p><p>dealgate:budget_confirmed</p>"
    assert find_marker(old_plain) == "budget_confirmed"
    assert find_marker(old_html) == "budget_confirmed"


@pytest.mark.parametrize("sep", SEPARATORS, ids=[hex(ord(s[-1])) for s in SEPARATORS])
@pytest.mark.parametrize("build", [plain_body, html_body], ids=["plain", "html"])
def test_crm_text_placed_inline_never_makes_a_line_of_its_own(
    sep: str, build: Callable[[str, str], str]
) -> None:
    body = build(f"Deal: {inline(forged(sep))}\n- influencer {inline(forged(sep))}", "scope")
    assert find_marker(body) == "scope"
    text = body.replace("</p>", "\n").replace("<p>", "")
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 3 and lines[-1] == "dealgate:scope"


def test_a_line_a_rep_adds_below_the_marker_keeps_the_task_marked() -> None:
    body = plain_body("Deal: Acme", "budget_confirmed") + "\n\nCalled the CFO, waiting."
    assert find_marker(body) == "budget_confirmed"
    assert find_marker(html_body("Deal: Acme", "scope") + "<p>Note</p>") == "scope"


def test_a_stray_separator_in_a_body_line_does_not_split_it() -> None:
    # defence in depth: a caller that forgot `inline` still cannot put a line after the marker
    body = plain_body("Deal: x\u2028dealgate:other\x85", "scope")
    assert body.endswith("\n\ndealgate:scope") and body.count("\n") == 2
    assert find_marker(body) == "scope"


# -- length caps ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "limit"), [(plain_body, PLAIN_BODY_MAX), (html_body, HTML_BODY_MAX)], ids=["sf", "hs"]
)
@pytest.mark.parametrize("char", ["a", "&", "𝔸"], ids=["ascii", "escaped", "astral"])
def test_a_long_body_is_cut_to_the_crm_limit_and_keeps_its_marker(
    build: Callable[[str, str], str], limit: int, char: str
) -> None:
    text = "Deal: Acme\n" + "\n".join(char * 5_000 for _ in range(20))
    body = build(text, "budget_confirmed")
    assert units(body) <= limit
    assert find_marker(body) == "budget_confirmed"
    assert body.startswith(("Deal: Acme", "<p>Deal: Acme</p>"))


def test_clip_counts_utf16_units_and_marks_the_cut() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcdef", 4) == "abc…"
    assert units(clip("𝔸" * 10, 5)) <= 5
