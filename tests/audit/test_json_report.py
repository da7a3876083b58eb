"""The JSON report: the schema of docs/audit-json.md, pinned key by key, and its streaming."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from gates.results import GateResult, Outcome
from gates.snapshot import Phase
from sync.reports import AuditSummary, RunFacts
from sync.reports.json_report import SCHEMA_VERSION, JsonReport
from sync.reports.model import AuditRow

from .builders import context, row

NUM = (int, float)
OPT_STR = (str, type(None))
OPT_NUM = (int, float, type(None))

DOCUMENT = {
    "schema_version": int,
    "generated_at": str,
    "crm": str,
    "language": str,
    "filters": dict,
    "deals": list,
    "summary": dict,
}
FILTERS = {"pipeline": OPT_STR, "phase": OPT_STR, "owner": OPT_STR}
DEAL = {
    "id": str,
    "name": str,
    "pipeline": OPT_STR,
    "stage": str,
    "stage_label": str,
    "phase": str,
    "owner_id": OPT_STR,
    "owner_name": str,
    "amount": OPT_NUM,
    "currency": OPT_STR,
    "close_date": OPT_STR,
    "crm_probability": OPT_NUM,
    "evidence_score": OPT_NUM,
    "evidence_probability": OPT_NUM,
    "rank": OPT_STR,
    "gates_evaluated": int,
    "stage_ahead_of_evidence": bool,
    "failing_gates": list,
    "gates": list,
    "findings": list,
}
DEAL_GATE = {"id": str, "phase": str, "outcome": str, "skipped_phase": bool, "reasons": list}
FINDING = {"code": str, "message": str}
SUMMARY = {
    "deals": int,
    "failing_deals": int,
    "failing_gate_results": int,
    "deals_without_phase": int,
    "deals_filtered_out": int,
    "deals_read": int,
    "deals_evaluated": int,
    "phases": list,
    "gates": list,
    "top_failing_gates": list,
    "owners": list,
    "forecast": dict,
    "stage_ahead": dict,
    "unmapped_stages": list,
    "missing_fields": list,
    "error_count": int,
    "errors": list,
}
PHASE = {
    "phase": str,
    "deals": int,
    "failing_deals": int,
    "stage_ahead": int,
    "deals_without_amount": int,
    "average_evidence_score": OPT_NUM,
    "amounts": list,
}
AMOUNT = {"currency": OPT_STR, "amount": NUM}
GATE = {
    "id": str,
    "phase": str,
    "title": str,
    "passed": int,
    "failed": int,
    "not_evaluated": int,
    "pass_rate": OPT_NUM,
    "skipped_phase_failures": int,
    "by_deal_phase": list,
}
GATE_BY_PHASE = {
    "phase": str,
    "passed": int,
    "failed": int,
    "not_evaluated": int,
    "pass_rate": OPT_NUM,
}
TOP_GATE = {"id": str, "failed": int}
FORECAST_CELL = {
    "currency": OPT_STR,
    "deals": int,
    "amount": NUM,
    "crm_weighted": NUM,
    "evidence_weighted": NUM,
}
OWNER = {
    "owner_id": OPT_STR,
    "owner_name": str,
    "deals": int,
    "failing_deals": int,
    "failing_gates": int,
    "stage_ahead": int,
    "average_evidence_score": OPT_NUM,
    "forecast": list,
}
STAGE_AHEAD = {"count": int, "listed": list, "not_listed": int}
FLAGGED = {
    "id": str,
    "name": str,
    "owner_name": str,
    "phase": str,
    "stage_label": str,
    "amount": OPT_NUM,
    "currency": OPT_STR,
    "evidence_score": OPT_NUM,
    "rank": OPT_STR,
    "gates_evaluated": int,
    "skipped_gates": list,
}
UNMAPPED = {"pipeline": OPT_STR, "stage": str, "deals": int}


def assert_shape(value: Any, shape: dict[str, Any]) -> None:
    assert isinstance(value, dict)
    assert list(value) == list(shape), f"keys differ: {list(value)} != {list(shape)}"
    for key, kind in shape.items():
        assert isinstance(value[key], kind), f"{key}: {type(value[key]).__name__}"
        if kind is int:
            assert not isinstance(value[key], bool), key


def render(*rows: Any, **context_overrides: Any) -> dict[str, Any]:
    out = io.StringIO()
    ctx = context(**context_overrides)
    report = JsonReport(out)
    summary = AuditSummary(ctx, flagged_cap=1)
    report.start(ctx)
    for r in rows:
        summary.add(r)
        report.deal(r)
    summary.add_without_phase()
    summary.record_run(
        RunFacts(
            deals_read=len(rows) + 2,
            deals_evaluated=len(rows) + 1,
            unmapped_stages={("default", "weird"): 1},
            errors=(),
            missing_fields=("budget_status: Budget_Status__c is not in the CRM",),
        )
    )
    report.finish(summary)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def sample() -> dict[str, Any]:
    return render(
        row("a", name='Acme "north" <b>', not_evaluated=("approval_requested",)),
        row("b", phase=Phase.DEFINE, failed=(), skipped=("budget_confirmed",), currency="JPY"),
        row("c", phase=Phase.DEFINE, failed=(), skipped=("decision_process_known",), owner=None),
        row("d", phase=Phase.DELIVERY, passed=("invoice_sent",), failed=(), amount=None, rank=None),
        phase=Phase.DEFINE,
    )


def test_document_keys_and_types_are_pinned() -> None:
    document = sample()
    assert_shape(document, DOCUMENT)
    assert document["schema_version"] == SCHEMA_VERSION == 1
    assert_shape(document["filters"], FILTERS)
    assert document["filters"]["phase"] == "define"
    for deal in document["deals"]:
        assert_shape(deal, DEAL)
        for gate in deal["gates"]:
            assert_shape(gate, DEAL_GATE)
            assert gate["outcome"] in {"passed", "failed", "not_evaluated"}
        for finding in deal["findings"]:
            assert_shape(finding, FINDING)


def test_summary_keys_and_types_are_pinned() -> None:
    summary = sample()["summary"]
    assert_shape(summary, SUMMARY)
    assert [p["phase"] for p in summary["phases"]] == [p.value for p in Phase]
    for phase in summary["phases"]:
        assert_shape(phase, PHASE)
        for amount in phase["amounts"]:
            assert_shape(amount, AMOUNT)
    assert summary["gates"]
    for gate in summary["gates"]:
        assert_shape(gate, GATE)
        for cell in gate["by_deal_phase"]:
            assert_shape(cell, GATE_BY_PHASE)
    for top in summary["top_failing_gates"]:
        assert_shape(top, TOP_GATE)
    for owner in summary["owners"]:
        assert_shape(owner, OWNER)
        for cell in owner["forecast"]:
            assert_shape(cell, FORECAST_CELL)
    assert list(summary["forecast"]) == ["by_phase", "totals"]
    for cell in summary["forecast"]["by_phase"]:
        assert_shape(cell, {"phase": str, **FORECAST_CELL})
    for cell in summary["forecast"]["totals"]:
        assert_shape(cell, FORECAST_CELL)
    assert_shape(summary["stage_ahead"], STAGE_AHEAD)
    for flagged in summary["stage_ahead"]["listed"]:
        assert_shape(flagged, FLAGGED)
    for unmapped in summary["unmapped_stages"]:
        assert_shape(unmapped, UNMAPPED)


def test_deals_carry_every_gate_outcome_with_reasons_and_findings() -> None:
    deals = {d["id"]: d for d in sample()["deals"]}
    a = deals["a"]
    assert a["name"] == 'Acme "north" <b>'
    assert [(g["id"], g["outcome"]) for g in a["gates"]] == [
        ("budget_confirmed", "passed"),
        ("decision_process_known", "failed"),
        ("approval_requested", "not_evaluated"),
    ]
    assert a["gates"][1]["reasons"] == ["decision_process_known missing"]
    assert a["failing_gates"] == ["decision_process_known"]
    assert (a["evidence_score"], a["evidence_probability"], a["crm_probability"]) == (
        0.5,
        0.25,
        0.5,
    )
    # the rank, and the score's base: the gate not evaluated does not count
    assert (a["rank"], a["gates_evaluated"]) == ("C", 2)
    assert deals["d"]["rank"] is None  # a won deal is not ranked
    b = deals["b"]
    assert b["stage_ahead_of_evidence"] is True
    assert b["findings"] == [
        {"code": "stage_ahead_of_evidence", "message": "stage ahead of evidence"}
    ]
    assert b["gates"][-1]["skipped_phase"] is True


def test_summary_numbers() -> None:
    summary = sample()["summary"]
    assert (summary["deals"], summary["failing_deals"], summary["deals_without_phase"]) == (4, 3, 1)
    assert summary["stage_ahead"] == {
        "count": 2,
        "listed": [
            {
                "id": "b",
                "name": "Acme renewal",
                "owner_name": "Aiko Tanaka",
                "phase": "define",
                "stage_label": "Stage define",
                "amount": 1000.0,
                "currency": "JPY",
                "evidence_score": 0.5,
                "rank": "C",
                "gates_evaluated": 2,
                "skipped_gates": ["budget_confirmed"],
            }
        ],
        "not_listed": 1,
    }
    assert summary["unmapped_stages"] == [{"pipeline": "default", "stage": "weird", "deals": 1}]
    assert summary["forecast"]["totals"] == [
        {
            "currency": "JPY",
            "deals": 1,
            "amount": 1000.0,
            "crm_weighted": 500.0,
            "evidence_weighted": 250.0,
        },
        {
            "currency": "USD",
            "deals": 2,
            "amount": 2000.0,
            "crm_weighted": 1000.0,
            "evidence_weighted": 500.0,
        },
    ]


def test_deals_are_written_as_they_come_not_at_the_end() -> None:
    out = io.StringIO()
    report = JsonReport(out)
    report.start(context())
    report.deal(row("first"))
    written = out.getvalue()
    assert '"id": "first"' in written
    assert written.count("\n") == 2  # header line, then one line per deal


def test_an_audit_without_deals_is_still_valid_json() -> None:
    document = render()
    assert document["deals"] == []
    assert document["summary"]["deals"] == 0
    assert document["summary"]["stage_ahead"] == {"count": 0, "listed": [], "not_listed": 0}


def evaluated_rows() -> list[Any]:
    """Real evaluations of deals that share gate results (evaluation reuses one result object
    per gate and reason set), one of them with a hostile name and a failing gate."""
    from gates import evaluate_deal, load_catalog
    from gates.snapshot import BudgetStatus
    from sync.reports.model import AuditRow
    from tests.gates.builders import NOW, deal

    catalog = load_catalog()
    snapshots = [
        deal(id="d1"),
        deal(id="d2", name='Acme "north"\n</script>', budget_status=BudgetStatus.ESTIMATED),
        deal(id="d3", budget_status=BudgetStatus.ESTIMATED, scope="TBD"),
        deal(id="d4", phase=Phase.DEFINE, scope=None),
    ]
    rows = []
    for snapshot in snapshots:
        evaluation = evaluate_deal(snapshot, NOW, catalog)
        assert evaluation is not None
        rows.append(AuditRow(snapshot, evaluation, "Sato"))
    return rows


def test_each_streamed_deal_is_exactly_its_deal_object_in_either_language() -> None:
    from sync.reports.json_report import deal_object

    rows = evaluated_rows()
    shared = {id(r) for r in rows[1].evaluation.results} & {
        id(r) for r in rows[2].evaluation.results
    }
    assert shared, "the deals share gate results, as evaluation makes them"
    for language in ("en", "ja"):
        out = io.StringIO()
        ctx = context(language=language)
        report = JsonReport(out)
        report.start(ctx)
        for r in rows:
            report.deal(r)
        lines = out.getvalue().split("\n")[2:]  # after the header and `"deals": [`
        words = None if language == "en" else ctx.words
        expected = [json.dumps(deal_object(r, words), ensure_ascii=False) for r in rows]
        assert [line.rstrip(",") for line in lines] == expected
        budget = next(
            g for g in json.loads(lines[1].rstrip(","))["gates"] if g["id"] == "budget_confirmed"
        )
        assert budget["outcome"] == "failed"
        assert ("予算" in budget["reasons"][0]) == (language == "ja")


def _hostile_team() -> tuple[Any, ...]:
    from gates.snapshot import Role, Stance
    from tests.gates.builders import person

    return (
        person("d1", Role.DECISION_MAKER, Stance.OPPONENT, name='Ann "CFO"\n\\ 反対'),
        person("a1", Role.APPROVER, Stance.OPPONENT, name="\x00</script>"),
    )


_HOSTILE_TEAM = _hostile_team()


@pytest.mark.parametrize(
    ("changes", "owner_name"),
    [
        pytest.param({}, "", id="defaults"),
        pytest.param(
            {"name": None, "amount": None, "currency": None, "close_date": None, "pipeline": "P"},
            "Sato",
            id="empty-values",
        ),
        pytest.param(
            {"name": '案件 "A"\n\t\\ \u2028 \x00', "amount": 1e21, "currency": "円"},
            '佐藤 "Taro"\r\n',
            id="hostile-texts",
        ),
        pytest.param({"name": "half \ud800 pair", "amount": 0.1 + 0.2}, "\udfff", id="surrogates"),
        pytest.param(
            {"contacts": _HOSTILE_TEAM, "win_over_plan": None}, "Sato", id="hostile-finding-text"
        ),
        pytest.param(
            {"stage_probability": 1 / 3, "amount": -0.0, "stage": "段階"}, "x", id="numbers"
        ),
    ],
)
def test_a_deal_line_is_its_deal_object_whatever_its_values(
    changes: dict[str, Any], owner_name: str
) -> None:
    """The deal's keys before its gates are written without building an object: the text must
    be what json writes for every value a CRM can send."""
    from gates import evaluate_deal, load_catalog
    from sync.reports.json_report import deal_object
    from sync.reports.model import AuditRow
    from tests.gates.builders import NOW, deal

    snapshot = deal(**changes)
    evaluation = evaluate_deal(snapshot, NOW, load_catalog())
    assert evaluation is not None
    rows = [AuditRow(snapshot, evaluation, owner_name)] * 2  # the second from the caches
    out = io.StringIO()
    report = JsonReport(out)
    report.start(context())
    for r in rows:
        report.deal(r)
    lines = [line.rstrip(",") for line in out.getvalue().split("\n")[2:]]
    assert lines == [json.dumps(deal_object(r), ensure_ascii=False) for r in rows]
    assert all(json.loads(line)["id"] == snapshot.id for line in lines)


def test_deals_with_results_of_their_own_never_get_another_deals_gate_text(
    monkeypatch: Any,
) -> None:
    """Results built for one deal (its own reasons) die after it is written and their ids are
    reused by the next deal's: every line is still that deal's own object, with caches small
    enough to fill and empty many times over."""
    from sync.reports.json_report import _GateTexts, deal_object

    monkeypatch.setattr(_GateTexts, "LIMIT", 4)
    monkeypatch.setattr(_GateTexts, "ONCE", 3)
    shared = row("shared", failed=("decision_process_known", "budget_confirmed"), passed=())
    out = io.StringIO()
    report = JsonReport(out)
    report.start(context())
    expected = []
    for n in range(200):
        own = row(f"d{n}", failed=(), passed=("budget_confirmed",))
        own_result = GateResult(
            "decision_process_known", Phase.DISCOVERY, Outcome.FAILED, (f"reason of d{n}",)
        )
        results = (*shared.evaluation.results, own_result)[n % 2 :]
        failing = tuple(r for r in results if r.failed)
        evaluation = own.evaluation._replace(results=results, failing=failing)
        deal = AuditRow(own.snapshot, evaluation, "Sato")
        report.deal(deal)
        expected.append(json.dumps(deal_object(deal), ensure_ascii=False))
        del (
            deal,
            own,
            own_result,
            results,
            evaluation,
            failing,
        )  # their ids are free for the next deal's objects
    lines = [line.rstrip(",") for line in out.getvalue().split("\n")[2:]]
    assert lines == expected
    assert all(f"reason of d{n}" in line for n, line in enumerate(lines))
