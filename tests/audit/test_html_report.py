"""The HTML report, checked without a browser: sections, self-containment, escaping."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from gates.snapshot import Phase
from sync.reports import AuditSummary, RunFacts
from sync.reports.html_report import SECTION_IDS, HtmlReport

from .builders import context, row

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "rect", "path", "line", "circle"}


class Page(HTMLParser):
    """Collects ids, tags, attributes and text; checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((name, value or ""))
            if name == "id" and value:
                self.ids.append(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(*rows: object, cap: int = 500, **facts: object) -> str:
    out = io.StringIO()
    ctx = context()
    summary = AuditSummary(ctx, flagged_cap=cap)
    report = HtmlReport(out)
    report.start(ctx)
    for r in rows:
        summary.add(r)  # type: ignore[arg-type]
        report.deal(r)  # type: ignore[arg-type]
    summary.record_run(RunFacts(**facts))  # type: ignore[arg-type]
    report.finish(summary)
    return out.getvalue()


def parse(document: str) -> Page:
    page = Page()
    page.feed(document)
    page.close()
    return page


def sample() -> str:
    return render(
        row("a", name="Acme ERP", currency="JPY", amount=1_200_000.0),
        row("b", phase=Phase.DEFINE, failed=(), skipped=("budget_confirmed",), owner="u2"),
        row("c", phase=Phase.DECISION, failed=("approval_granted",), currency="USD"),
        row("d", phase=Phase.DELIVERY, passed=("invoice_sent",), failed=()),
        unmapped_stages={("default", "weird stage"): 2},
        missing_fields=("why_us: Why_Us__c is not in the CRM",),
    )


def test_every_section_is_there_and_the_markup_nests() -> None:
    page = parse(sample())
    for section_id in SECTION_IDS:
        assert section_id in page.ids
    assert page.problems == []
    assert page.stack == []
    assert page.tags.count("svg") >= 3  # funnel, pass-rate heatmap, one forecast per currency


def test_the_file_loads_nothing_from_the_network() -> None:
    document = sample()
    page = parse(document)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    for name, value in page.attrs:
        assert name not in {"src", "srcset", "action"}
        if name == "href":
            assert value.startswith("#"), value
    assert not re.search(r"url\(|@import|https?://", document)
    assert "default-src 'none'" in document


def test_crm_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    document = render(
        row("a", name=evil, phase=Phase.DEFINE, failed=(), skipped=("budget_confirmed",)),
        unmapped_stages={("<b>p</b>", "<i>s</i>"): 1},
        missing_fields=("<u>field</u>",),
    )
    page = parse(document)
    assert "script" not in page.tags and "img" not in page.tags
    assert {"b", "i", "u"}.isdisjoint(page.tags)
    assert evil in "".join(page.text)  # shown as text, in the stage-ahead table


def test_funnel_counts_deals_per_phase_with_amounts_apart_per_currency() -> None:
    text = " ".join(parse(sample()).text)
    assert "1 deals" in text
    assert "1,200,000 JPY" in text
    assert "1,000 USD" in text
    assert "1,201,000" not in text  # currencies are never added


def test_forecast_sets_the_evidence_beside_the_crm() -> None:
    text = " ".join(parse(sample()).text)
    # deal c: 1,000 USD in decision at CRM 50%, evidence 25%
    assert "CRM forecast" in text and "Evidence-weighted amount" in text
    assert "Evidence forecast" not in text and "not a revenue forecast" in text
    assert "500 USD" in text and "250 USD" in text
    assert "-250 USD" in text  # the gap: evidence minus CRM


def test_stage_ahead_lists_the_skipped_gates_and_counts_the_rest() -> None:
    rows = [
        row(
            f"f{i}",
            name=f"Flagged {i}",
            phase=Phase.DEFINE,
            failed=(),
            skipped=("budget_confirmed",),
        )
        for i in range(4)
    ]
    text = " ".join(parse(render(*rows, cap=2)).text)
    assert "Flagged 0" in text and "Flagged 1" in text and "Flagged 3" not in text
    assert "and 2 more not listed" in text
    assert "budget_confirmed" in text


def test_run_section_names_unmapped_stages_and_missing_fields() -> None:
    text = " ".join(parse(sample()).text)
    assert "pipeline 'default', stage 'weird stage' is not in the mapping" in text
    assert "why_us: Why_Us__c is not in the CRM" in text


def test_an_empty_audit_renders_every_section() -> None:
    page = parse(render())
    assert set(SECTION_IDS) <= set(page.ids)
    assert page.problems == []


def test_not_applicable_and_not_mapped_cells_look_different_and_a_legend_says_which() -> None:
    text = render(
        row("a", not_evaluated=("approval_requested",)),
        row("b", phase=Phase.DEFINE, passed=("approval_requested",), failed=()),
    )
    assert 'stroke-dasharray="3 3"' in text  # the gate does not apply: dashed, not grey
    assert "does not apply to define deals" in text
    assert "not eval.: evidence not mapped" in text  # the legend
    assert "–: gate does not apply to deals of that phase" in text


def test_the_forecast_says_how_many_open_deals_it_leaves_out_for_no_amount() -> None:
    text = render(row("a"), row("b", amount=None), row("c", amount=None, phase=Phase.DECISION))
    assert "2 deals without an amount are left out of the forecast" in text
    one = render(row("a"), row("b", amount=None))
    assert "1 deal without an amount is left out of the forecast" in one


def _stage_ahead_order(document: str) -> list[str]:
    section = document.split('id="stage-ahead"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<td>(Deal [a-z])</td>", section)


def test_stage_ahead_deals_come_largest_amount_first_then_furthest_ahead() -> None:
    text = render(
        row("a", name="Deal a", phase=Phase.DEFINE, skipped=("budget_confirmed",), amount=10.0),
        row("b", name="Deal b", phase=Phase.DECISION, amount=500.0,
            skipped=("budget_confirmed",)),
        row("c", name="Deal c", phase=Phase.DECISION, amount=10.0,
            skipped=("budget_confirmed", "decision_process_known")),
        row("d", name="Deal d", phase=Phase.DEFINE, skipped=("budget_confirmed",), amount=None),
    )  # fmt: skip
    assert _stage_ahead_order(text) == ["Deal b", "Deal c", "Deal a", "Deal d"]
    assert "1 deals" not in render(row("a", phase=Phase.DEFINE, skipped=("budget_confirmed",)))


def test_sections_with_nothing_in_scope_say_so() -> None:
    text = render()
    page = parse(text)
    assert page.problems == []
    for section_id in ("funnel", "gate-pass-rates", "forecast"):
        section = text.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
        assert "No deals in this scope." in section
        assert "<svg" not in section and "<table" not in section


def test_a_persons_name_stays_on_one_line() -> None:
    text = render(row("a", owner="u1"))
    assert re.search(r'<span class="person">[^<]+</span>', text)
    assert ".person { white-space: nowrap; }" in text


def test_a_phase_filter_leaves_out_the_empty_phases_and_unchecked_gates() -> None:
    text = render(row("d", phase=Phase.DELIVERY, passed=("invoice_sent",), failed=()))
    funnel = text.split('id="funnel"', 1)[1].split("</section>", 1)[0]
    assert funnel.count("no deals in this scope") == 4 and "0 deals" not in funnel
    heatmap = text.split('id="gate-pass-rates"', 1)[1].split("</section>", 1)[0]
    assert ">delivery<" in heatmap and ">discovery<" not in heatmap
    assert ">invoice_sent<" in heatmap and ">budget_confirmed<" not in heatmap


def test_stage_ahead_rows_show_the_rank_and_the_gates_the_score_stands_on() -> None:
    text = render(
        row("a", name="Deal a", phase=Phase.DEFINE, skipped=("budget_confirmed",), rank="D"),
    )
    section = text.split('id="stage-ahead"', 1)[1].split("</section>", 1)[0]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", section)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", section)
    shown = dict(zip(headers, cells, strict=True))
    assert (shown["Rank"], shown["Evidence"], shown["Gates evaluated"]) == ("D", "50%", "3")
