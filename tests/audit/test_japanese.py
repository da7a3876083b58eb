"""Every report format in Japanese, from a scenario with every finding, every reason code and the
empty states: no English word may be left for a Japanese reader.

What may stay in Latin letters: gate ids, finding and reason codes, attribute ids, enum values,
product and format names (dealgate, CRM, HubSpot, JSON, CSV), currency codes, configuration keys,
and the CRM's own data (stage labels, pipeline ids, field names, values). Everything else in a
text a person reads (HTML text and labels, table lines, CSV headers and cells, JSON texts) must be
Japanese. The same scenario rendered in English must trip the check, so the check can fail.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from gates import load_catalog
from gates.attributes import ATTRIBUTE_TYPES
from gates.findings import deal_findings
from gates.reasons import CODES, JA_LABELS, Reason
from gates.results import DealEvaluation, FindingCode, GateResult, Outcome
from gates.snapshot import ApprovalStatus, BudgetStatus, Phase, ProposalStatus, Role, Stance
from mappings.mapping import MissingField
from sync.i18n import Words
from sync.planner import no_owner_finding
from sync.reports import (
    FORMATS,
    AuditRow,
    AuditSummary,
    GateInfo,
    ReportContext,
    RunFacts,
    writer_for,
)
from tests.gates.builders import NOW, TODAY, deal, person

CATALOG = load_catalog()

# One sample of every reason code (gates/reasons.py): a new code needs a sample here.
REASON_SAMPLES: dict[str, dict[str, Any]] = {
    "not_set": {"attribute": "budget_status"},
    "placeholder": {"attribute": "scope", "text": "TBD"},
    "value": {"attribute": "budget_status", "value": "estimated"},
    "rejected": {"attribute": "approval_status"},
    "not_within": {
        "attribute": "order_date",
        "day": "2027-01-11",
        "days": 30,
        "direction": "future",
    },
    "false": {"attribute": "technical_fit"},
    "no_role": {"roles": (Role.DECISION_MAKER,), "contacts": 2},
    "too_few": {"role": Role.INFLUENCER, "count": 1, "needed": 2},
    "stance": {"role": Role.INFLUENCER, "name": "佐藤 健", "stance": Stance.OPPONENT},
    "not_contacted": {"roles": tuple(Role), "days": 90, "last": "2026-05-11"},
    "not_mapped": {"attributes": ("budget_status",)},
    "not_positive": {"attribute": "gross_profit"},
    "not_met": {"roles": (Role.APPROVER,), "names": ("佐藤 健",)},
}

# The CRM's data in the scenario, and the machine words that stay as they are.
DATA = {
    "default",
    "renewals",
    "renewal_quoted",
    "Mystery",
    "Budget_Status__c",
    "Stance__c",
    "LastActivityDate",
    "Pipeline__c",
    "TBD",
    "estimated",
    "u9",
    "Negotiation/Review",
    "Proposal/Price",
    "Quote",
    "Closed",
    "Won",
    "ERP",
    "d1",
    "d2",
    "u1",
    "u2",
    "link.Stance__c",
    "contact.LastActivityDate",
}
MACHINE = (
    {g.id for g in CATALOG.gates}
    | {c.value for c in FindingCode}
    | set(JA_LABELS)
    | set(ATTRIBUTE_TYPES)
    | {v.value for enum in (BudgetStatus, ApprovalStatus, ProposalStatus, Stance) for v in enum}
    | {
        "dealgate",
        "CRM",
        "HubSpot",
        "hubspot",
        "Salesforce",
        "JSON",
        "CSV",
        "API",
        "UTC",
        "PM",
        "JPY",
        "USD",
        "EUR",
        "ID",
        "GP",
        "tasks.fallback_owner",
        "pipeline",
        "stance",
    }
)
ALLOWED = {word.casefold() for word in MACHINE | DATA}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")


def english_words(text: str) -> list[str]:
    """The words of `text` that are neither machine words nor the scenario's CRM data."""
    found = []
    for token in WORD.findall(text):
        token = token.rstrip("./-")
        if len(token) > 1 and token.casefold() not in ALLOWED:
            found.append(token)
    return found


def gate_result(gate_id: str, *reasons: str, skipped: bool = False) -> GateResult:
    gate = CATALOG.get(gate_id)
    return GateResult(gate_id, gate.phase, Outcome.FAILED, tuple(reasons), skipped_phase=skipped)


def passed(gate_id: str) -> GateResult:
    return GateResult(gate_id, CATALOG.get(gate_id).phase, Outcome.PASSED)


def scenario_rows() -> list[AuditRow]:
    """Deals that show every finding and every reason code, in four phases and two currencies."""
    findings_deal = deal(
        Phase.DECISION,
        id="d1",
        name="株式会社ミドリ / ERP刷新",
        owner_id="u1",
        amount=12_500_000.0,
        currency="JPY",
        stage_probability=0.8,
        stage_label="Negotiation/Review",
        pipeline="default",
        approval_status=ApprovalStatus.REJECTED,
        close_date=TODAY - timedelta(days=3),
        contacts=(person("c1", Role.DECISION_MAKER, Stance.OPPONENT, name="鈴木 一郎"),),
    )
    skipped = gate_result(
        "budget_confirmed", Reason("not_set", attribute="budget_status"), skipped=True
    )
    rejected = gate_result("approval_granted", Reason("rejected", attribute="approval_status"))
    results = (skipped, passed("decision_process_known"), rejected)
    findings = deal_findings(findings_deal, Phase.DECISION, results, NOW)
    findings += (no_owner_finding("u9", 2, planned=True), no_owner_finding(None, 1))
    assert {f.code for f in findings} == set(FindingCode)
    first = AuditRow(
        findings_deal,
        DealEvaluation.of("d1", Phase.DECISION, results, findings, 0.34, 0.2),
        "佐藤 健",
    )
    assert set(REASON_SAMPLES) == set(CODES), "every reason code needs a sample"
    reasons = [Reason(code, **params) for code, params in REASON_SAMPLES.items()]
    define_gates = [g.id for g in CATALOG.gates if g.phase in (Phase.DISCOVERY, Phase.DEFINE)]
    many = tuple(gate_result(g, r) for g, r in zip(define_gates, reasons, strict=False))
    not_evaluated = GateResult("invoice_sent", Phase.DELIVERY, Outcome.NOT_EVALUATED)
    second = AuditRow(
        deal(
            Phase.DEFINE,
            id="d2",
            name="東都物流 / 基幹システム更改",
            owner_id="u2",
            amount=950.5,
            currency="USD",
            stage_label="Proposal/Price Quote",
            pipeline="default",
        ),
        DealEvaluation.of("d2", Phase.DEFINE, (*many, not_evaluated), (), 0.1, 0.05),
        "田中 愛子",
    )
    won = AuditRow(
        deal(
            Phase.DELIVERY,
            id="d3",
            name="さくら銀行 / セキュリティ監査",
            owner_id=None,
            amount=None,
            currency=None,
            stage_label="Closed Won",
        ),
        DealEvaluation.of("d3", Phase.DELIVERY, (passed("invoice_sent"),), (), 1.0, None),
        "",
    )
    return [first, second, won]


RUN = RunFacts(
    deals_read=9,
    deals_evaluated=6,
    unmapped_stages={("renewals", "renewal_quoted"): 2, (None, "Mystery"): 1},
    error_count=1,
    missing_fields=(
        MissingField("budget_status", "Budget_Status__c", "deal"),
        MissingField("pipeline", "Pipeline__c", "deal"),
        MissingField("stance", "link.Stance__c", "link"),
        MissingField("last_contacted", "contact.LastActivityDate", "contact"),
    ),
)


def context(language: str, *, fallback: str | None = "u1", **extra: Any) -> ReportContext:
    return ReportContext(
        crm="hubspot",
        generated_at=NOW,
        pipeline="default",
        phase=Phase.DECISION,
        gates={g.id: GateInfo(g.id, g.phase, g.title.get(language)) for g in CATALOG.gates},
        owners={"u1": "佐藤 健", "u2": "田中 愛子"},
        inactive_owners=frozenset({"u2"}),
        fallback_owner=fallback,
        language=language,
        **extra,
    )


def render(fmt: str, ctx: ReportContext, rows: list[AuditRow], run: RunFacts = RUN) -> str:
    out = io.StringIO()
    summary = AuditSummary(ctx)
    writer = writer_for(fmt, out)  # type: ignore[arg-type]
    writer.start(ctx)
    for row in rows:
        summary.add(row)
        writer.deal(row)
    summary.add_without_phase()
    summary.add_filtered_out()
    summary.record_run(run)
    writer.finish(summary)
    return out.getvalue()


class _Texts(HTMLParser):
    """The texts of a page a person reads: text nodes and aria-labels, not the style sheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        self.texts += [value or "" for name, value in attrs if name in {"aria-label", "title"}]

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style and data.strip():
            self.texts.append(data)


def human_texts(fmt: str, output: str) -> list[str]:
    """What a person reads in one report."""
    if fmt == "html":
        page = _Texts()
        page.feed(output)
        return page.texts
    if fmt == "csv":
        return [cell for row in csv.reader(io.StringIO(output.lstrip("\ufeff"))) for cell in row]
    if fmt == "json":
        texts: list[str] = []

        def walk(value: Any, key: str = "") -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)
            elif isinstance(value, str) and key in {
                "title",
                "message",
                "reasons",
                "missing_fields",
            }:
                texts.append(value)

        walk(json.loads(output))
        return texts
    return output.splitlines()


def leftovers(fmt: str, output: str) -> list[tuple[str, list[str]]]:
    found = [(text, english_words(text)) for text in human_texts(fmt, output)]
    return [(text, words) for text, words in found if words]


SCENARIOS = {
    "every finding and reason": lambda lang: (context(lang), scenario_rows(), RUN),
    "no deal in scope": lambda lang: (context(lang, fallback=None), [], RunFacts()),
    "won deals only, nobody to take tasks": lambda lang: (
        context(lang, fallback=None),
        [scenario_rows()[2]._replace(owner_name="田中 愛子"), scenario_rows()[2]],
        RunFacts(deals_read=2, deals_evaluated=2),
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_report_format_reads_japanese_only(fmt: str, scenario: str) -> None:
    ctx, rows, run = SCENARIOS[scenario]("ja")
    output = render(fmt, ctx, rows, run)
    assert leftovers(fmt, output) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_scenario_in_english_is_caught(fmt: str) -> None:
    ctx, rows, run = SCENARIOS["every finding and reason"]("en")
    assert leftovers(fmt, render(fmt, ctx, rows, run)) != []


def test_the_scenario_shows_what_it_should() -> None:
    page = render("html", *SCENARIOS["every finding and reason"]("ja"))
    assert '<html lang="ja">' in page
    assert "Noto Sans CJK JP" in page.split("font:", 1)[1].split(";", 1)[0]
    assert "12,500,000円" in page  # yen: no decimals, thousands separators
    assert "950.50 USD" in page  # other currencies keep their cents
    assert "2026年11月27日 09:00 UTC" in page  # the one date format of Japanese texts
    assert "佐藤 健" in page and "タスクは代替担当者 佐藤 健 に割り当てられます" in page
    document = json.loads(render("json", *SCENARIOS["every finding and reason"]("ja")))
    messages = [f["message"] for f in document["deals"][0]["findings"]]
    assert "完了予定日 (2026年11月24日) を過ぎていますが、案件はまだオープンです" in messages
    assert "フェーズ=決定" in render("table", *SCENARIOS["every finding and reason"]("ja"))
    empty = render("html", *SCENARIOS["no deal in scope"]("ja"))
    assert empty.count("この範囲に案件はありません。") >= 3
    won = render("html", *SCENARIOS["won deals only, nobody to take tasks"]("ja"))
    assert "タスクは誰にも届きません" in won


def test_machine_keys_do_not_change_with_the_language() -> None:
    documents = {
        lang: json.loads(render("json", *SCENARIOS["every finding and reason"](lang)))
        for lang in ("en", "ja")
    }

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k != "language"}
        if isinstance(value, list):
            return [shape(v) for v in value]
        return type(value).__name__

    assert shape(documents["en"]) == shape(documents["ja"])
    en, ja = (documents[lang]["deals"][0] for lang in ("en", "ja"))
    assert [f["code"] for f in en["findings"]] == [f["code"] for f in ja["findings"]]
    assert [g["id"] for g in en["gates"]] == [g["id"] for g in ja["gates"]]
    assert en["phase"] == ja["phase"] == "decision"


def test_english_finding_texts_are_the_findings_own_messages() -> None:
    words = Words("en")
    for row in scenario_rows():
        for finding in row.evaluation.findings:
            assert words.finding(finding) == finding.message
    for line in RUN.missing_fields:
        assert words.missing_field(line) == line
