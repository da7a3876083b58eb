"""The verdict of a deal from its evaluation (pure), and when it counts as changed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gates.results import DealEvaluation, Finding, FindingCode, GateResult, Outcome
from gates.snapshot import Phase
from sync.config import ConfigError, parse_settings
from sync.verdict import CLEARED, Verdict, changes, verdict_of


@dataclass(frozen=True)
class Text:
    en: str
    ja: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Gate:
    id: str
    phase: Phase
    title: Text
    why: Text = Text("", "")
    how: Text = Text("", "")


GATES = {
    "scope": Gate("scope", Phase.DISCOVERY, Text("Scope confirmed", "実施内容を確認")),
    "budget": Gate("budget", Phase.DISCOVERY, Text("Budget\nconfirmed", "予算を確認")),
    "fit": Gate("fit", Phase.DEFINE, Text("x" * 300, "技術的妥当性")),
}


def result(gate: str, outcome: Outcome, phase: Phase, skipped: bool = False) -> GateResult:
    return GateResult(gate, phase, outcome, skipped_phase=skipped)


def evaluation(*results: GateResult, findings: tuple[Finding, ...] = ()) -> DealEvaluation:
    passed = sum(r.outcome is Outcome.PASSED for r in results)
    judged = sum(r.outcome is not Outcome.NOT_EVALUATED for r in results)
    return DealEvaluation.of("d1", Phase.DEFINE, results, findings,
                             passed / judged if judged else None, None)  # fmt: skip


def test_a_skipped_step_comes_first_and_titles_stay_on_one_line() -> None:
    ahead = Finding(FindingCode.STAGE_AHEAD_OF_EVIDENCE, "stage ahead")
    verdict = verdict_of(
        evaluation(
            result("scope", Outcome.PASSED, Phase.DISCOVERY),
            result("fit", Outcome.FAILED, Phase.DEFINE),
            result("budget", Outcome.FAILED, Phase.DISCOVERY, skipped=True),
            findings=(ahead,),
        ),
        GATES,
        "en",
    )
    assert verdict == Verdict("define", 33, 2, "Budget confirmed", True)
    assert verdict_of(evaluation(result("fit", Outcome.FAILED, Phase.DEFINE)), GATES, "ja") == (
        Verdict("define", 0, 1, "技術的妥当性", False)
    )


def test_a_long_title_is_cut_and_no_evaluated_gate_leaves_the_score_empty() -> None:
    verdict = verdict_of(evaluation(result("fit", Outcome.FAILED, Phase.DEFINE)), GATES, "en")
    assert verdict.next_step is not None and len(verdict.next_step) == 255
    empty = verdict_of(evaluation(result("fit", Outcome.NOT_EVALUATED, Phase.DEFINE)), GATES, "en")
    assert (empty.evidence_score, empty.missing_steps, empty.next_step) == (None, 0, None)


def test_only_a_difference_in_a_chosen_field_is_a_change() -> None:
    verdict = Verdict("define", 50, 1, "Budget confirmed", False)
    keys = ["phase", "evidence_score"]
    assert changes(None, verdict, keys) == {"phase": "define", "evidence_score": 50}
    stored = {"phase": "define", "evidence_score": 50, "next_step": "something else"}
    assert changes(stored, verdict, keys) is None  # next_step is not written: no change
    assert changes({"phase": "define"}, verdict, keys) == {"phase": "define", "evidence_score": 50}
    assert changes(stored, CLEARED, keys) == {"phase": None, "evidence_score": None}


def test_the_verdict_is_off_by_default_and_its_fields_are_checked() -> None:
    base = "crm: hubspot\nhubspot: {access_token: x}\n"
    assert parse_settings(base, env={}).verdict.enabled is False
    with pytest.raises(ConfigError) as error:
        parse_settings(base + "verdict: {enabled: true, fields: [phase, mood]}\n", env={})
    assert "verdict.fields.1" in str(error.value)
