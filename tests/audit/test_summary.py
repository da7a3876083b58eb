"""The aggregator: what the summary sections of every format are computed from."""

from __future__ import annotations

import pytest

from gates.results import Finding, FindingCode
from gates.snapshot import Phase
from sync.reports import AuditSummary

from .builders import context, row


def summary_of(*rows: object, cap: int = 500) -> AuditSummary:
    summary = AuditSummary(context(), flagged_cap=cap)
    for r in rows:
        summary.add(r)  # type: ignore[arg-type]
    return summary


def test_counts_deals_per_phase_with_amounts_per_currency_kept_apart() -> None:
    summary = summary_of(
        row("a", amount=100.0, currency="USD"),
        row("b", amount=50.0, currency="USD"),
        row("c", amount=1_000_000.0, currency="JPY"),
        row("d", phase=Phase.DEFINE, amount=None, failed=()),
    )
    discovery = summary.phases[Phase.DISCOVERY]
    assert discovery.deals == 3
    assert discovery.currencies() == [("JPY", 1_000_000.0), ("USD", 150.0)]
    define = summary.phases[Phase.DEFINE]
    assert (define.deals, define.without_amount, define.failing_deals) == (1, 1, 0)
    assert [p.phase for p in summary.phase_rows()] == list(Phase)
    assert summary.deals == 4 and summary.failing_deals == 3


def test_forecast_sets_crm_probability_beside_evidence_probability() -> None:
    summary = summary_of(
        row("a", amount=1000.0, crm_probability=0.6, evidence_probability=0.2),
        row("b", amount=500.0, crm_probability=0.2, evidence_probability=0.4, owner="u2"),
        row("c", amount=700.0, currency="JPY", crm_probability=None, evidence_probability=0.5),
    )
    [(phase, currency, jpy), (_, _, usd)] = summary.forecast_rows()
    assert (phase, currency) == (Phase.DISCOVERY, "JPY")
    assert jpy.crm_weighted == 0.0  # no stage probability in the CRM counts as 0
    assert jpy.evidence_weighted == pytest.approx(350.0)
    assert usd.deals == 2 and usd.amount == 1500.0
    assert usd.crm_weighted == pytest.approx(700.0)
    assert usd.evidence_weighted == pytest.approx(400.0)
    owner_u2 = next(o for o in summary.owner_rows() if o.owner_id == "u2")
    assert [(c, f.evidence_weighted) for c, f in owner_u2.forecasts()] == [("USD", 200.0)]


def test_won_deals_are_in_the_funnel_but_not_in_the_forecast() -> None:
    summary = summary_of(
        row("won", phase=Phase.DELIVERY, passed=(), failed=("invoice_sent",), amount=9000.0)
    )
    assert summary.phases[Phase.DELIVERY].amounts == {"USD": 9000.0}
    assert summary.forecast_rows() == []
    assert summary.forecast_totals() == []


def test_pass_rates_leave_out_gates_that_could_not_be_evaluated() -> None:
    summary = summary_of(
        row("a", passed=("budget_confirmed",), failed=()),
        row("b", passed=(), failed=("budget_confirmed",)),
        row("c", passed=(), failed=(), not_evaluated=("budget_confirmed",)),
        row("d", phase=Phase.DEFINE, passed=("budget_confirmed", "approval_requested"), failed=()),
    )
    budget = summary.gates["budget_confirmed"]
    assert (budget.passed, budget.failed, budget.not_evaluated) == (2, 1, 1)
    assert budget.pass_rate() == pytest.approx(2 / 3)
    assert budget.pass_rate(Phase.DISCOVERY) == pytest.approx(0.5)
    assert budget.pass_rate(Phase.DEFINE) == 1.0
    assert summary.gates["approval_granted"].pass_rate() is None  # in the catalog, never seen


def test_gates_failing_most_come_first() -> None:
    summary = summary_of(
        row("a", passed=(), failed=("budget_confirmed", "decision_process_known")),
        row("b", passed=(), failed=("decision_process_known",)),
    )
    assert [(g.gate_id, g.failed) for g in summary.top_failing()] == [
        ("decision_process_known", 2),
        ("budget_confirmed", 1),
    ]
    assert summary.any_failing


def test_no_failing_gate_means_nothing_for_strict_to_report() -> None:
    summary = summary_of(row("a", failed=()), row("b", phase=Phase.DEFINE, failed=()))
    assert not summary.any_failing
    assert summary.failing_deals == 0


def test_flags_deals_ahead_of_their_evidence_and_caps_the_list() -> None:
    flagged = [
        row(f"f{i}", phase=Phase.DEFINE, failed=(), skipped=("budget_confirmed",)) for i in range(5)
    ]
    by_finding = row(
        "g",
        failed=(),
        findings=(Finding(FindingCode.STAGE_AHEAD_OF_EVIDENCE, "stage inflated"),),
    )
    summary = summary_of(*flagged, by_finding, row("ok", failed=()), cap=3)
    assert summary.flagged_total == 6
    assert [d.id for d in summary.flagged] == ["f0", "f1", "f2"]
    assert summary.flagged_not_listed == 3
    assert summary.flagged[0].skipped_gates == ("budget_confirmed",)
    assert summary.phases[Phase.DEFINE].stage_ahead == 5


def test_per_owner_counts() -> None:
    summary = summary_of(
        row("a", owner="u2", failed=("decision_process_known",)),
        row("b", owner="u2", failed=()),
        row("c", owner="u1", passed=(), failed=("budget_confirmed", "decision_process_known")),
        row("d", owner=None, failed=()),
    )
    rows = [(o.name, o.deals, o.failing_deals, o.failing_gates) for o in summary.owner_rows()]
    assert rows == [("Aiko Tanaka", 1, 1, 2), ("Ben Ortiz", 2, 1, 1), ("", 1, 0, 0)]
