"""Properties: evaluation never raises on a snapshot the model accepts, and is deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gates import Catalog, evaluate_deal, load_catalog, resolve_phase
from gates.attributes import ATTRIBUTE_TYPES, STANDARD_ATTRIBUTES
from gates.phases import checked_phases
from gates.results import DealEvaluation, Outcome
from gates.snapshot import (
    ApprovalStatus,
    BudgetStatus,
    DealSnapshot,
    KeyContact,
    Phase,
    ProposalStatus,
    Role,
    Stance,
)

CATALOG = load_catalog()
T = TypeVar("T")

offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(timezones=st.none() | st.just(UTC) | offsets)
texts = st.none() | st.text(max_size=12) | st.sampled_from(["TBD", "未定。", " n/a ", "ＴＢＤ"])
flags = st.none() | st.booleans()
dates = st.none() | st.dates()


def maybe(values: Iterable[T]) -> st.SearchStrategy[T | None]:
    return st.none() | st.sampled_from(list(values))


contacts = st.builds(
    KeyContact,
    id=st.text(min_size=1, max_size=4),
    name=st.text(max_size=6),
    role=maybe(Role),
    stance=maybe(Stance),
    last_contacted=st.none() | moments,
)

snapshots = st.builds(
    DealSnapshot,
    id=st.text(min_size=1, max_size=6),
    crm=st.just("test"),
    pipeline=st.none() | st.sampled_from(["p1", "p2"]),
    stage=st.just("stage"),
    stage_phase=maybe(Phase),
    close_date=dates,
    budget_status=maybe(BudgetStatus),
    decision_process=texts,
    approval_status=maybe(ApprovalStatus),
    scope=texts,
    reason=texts,
    competitors=texts,
    project_start=dates,
    project_end=dates,
    order_date=dates,
    proposal_status=maybe(ProposalStatus),
    why_needed=texts,
    why_now=texts,
    why_us=texts,
    technical_fit=flags,
    delivery_capacity=flags,
    schedule_prepared=flags,
    decision_maker_briefed=flags,
    informal_award=flags,
    terms_agreed=flags,
    delivery_owner=texts,
    invoice_sent=flags,
    delivery_done=flags,
    contacts=st.lists(contacts, max_size=5).map(tuple),
    mapped=st.frozensets(st.sampled_from(sorted(ATTRIBUTE_TYPES))),
)

# Derandomized and without an example database: the same examples on every run, no files.
FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(snapshot=snapshots, now=moments, after=st.integers(min_value=0, max_value=3650))
def test_evaluation_never_raises_and_is_consistent(
    snapshot: DealSnapshot, now: datetime, after: int
) -> None:
    evaluation = evaluate_deal(snapshot, now, CATALOG, maintenance_after_days=after)
    phase = resolve_phase(snapshot, now.replace(tzinfo=now.tzinfo or UTC), after)
    if evaluation is None:
        assert phase is None
        return
    assert evaluation.phase is phase
    assert {r.phase for r in evaluation.results} <= set(checked_phases(phase))
    for result in evaluation.results:
        gate = CATALOG.get(result.gate_id)
        # enum_in preconditions (evidence after the first) count only where they are mapped
        evidence = gate.evidence[:1] if gate.kind == "enum_in" else gate.evidence
        needed = {a for a in evidence if a not in STANDARD_ATTRIBUTES}
        unmapped = not needed <= snapshot.mapped
        assert (result.outcome is Outcome.NOT_EVALUATED) == unmapped
        assert (result.outcome is Outcome.PASSED) == (result.reasons == ())
        ongoing = CATALOG.get(result.gate_id).ongoing
        assert result.skipped_phase == (result.phase is not phase and not ongoing)
    # the failing gates every report and the planner read: the failed results, in order
    assert evaluation.failing == tuple(r for r in evaluation.results if r.failed)
    assert evaluation.failing == DealEvaluation.of(*evaluation[:6]).failing
    for value in (evaluation.evidence_score, evaluation.evidence_probability):
        assert value is None or 0.0 <= value <= 1.0


@FAST
@given(snapshot=snapshots, now=moments)
def test_results_are_deterministic_for_a_given_now(snapshot: DealSnapshot, now: datetime) -> None:
    first = evaluate_deal(snapshot, now, CATALOG)
    again = evaluate_deal(snapshot, now, CATALOG)
    fresh = evaluate_deal(snapshot, now, Catalog(CATALOG.gates))  # no cached plans or results
    assert first == again == fresh
