"""Gate evaluation throughput: `python -m bench.gates [--deals N] [--seed S]`.

Builds N synthetic deal snapshots of mixed phases (deterministic random), then times
`evaluate_deal` with the full built-in catalog over all of them on one core. Building the
snapshots is not timed. The target (docs/design.md section 4) is at least 50,000 deals/s.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from gates import evaluate_deal, load_catalog
from gates.snapshot import (
    CONTACT_ATTRIBUTES,
    EVIDENCE_ATTRIBUTES,
    ApprovalStatus,
    BudgetStatus,
    DealSnapshot,
    KeyContact,
    Phase,
    ProposalStatus,
    Role,
    Stance,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TARGET = 50_000
MAPPED = frozenset(EVIDENCE_ATTRIBUTES) | frozenset(CONTACT_ATTRIBUTES)
TEXTS = ("ERP rollout for three plants", "TBD", "", None, "未定", "cut stock by half", "N/A")
PHASES = (Phase.DISCOVERY, Phase.DEFINE, Phase.DECISION, Phase.DELIVERY, None)


def _text(rng: random.Random) -> str | None:
    return rng.choice(TEXTS)


def _date(rng: random.Random) -> date | None:
    return None if rng.random() < 0.3 else NOW.date() + timedelta(days=rng.randint(-400, 400))


def _flag(rng: random.Random) -> bool | None:
    return rng.choice((True, True, False, None))


def _contacts(rng: random.Random) -> tuple[KeyContact, ...]:
    contacts = []
    for i in range(rng.randint(0, 5)):
        last = NOW - timedelta(days=rng.randint(0, 300)) if rng.random() < 0.8 else None
        contacts.append(
            KeyContact(
                id=f"c{i}",
                name=f"Contact {i}",
                role=rng.choice((*Role, None)),
                stance=rng.choice((*Stance, None)),
                last_contacted=last,
            )
        )
    return tuple(contacts)


def synthetic_deal(rng: random.Random, number: int) -> DealSnapshot:
    """One random deal; mostly complete evidence, with gaps and placeholders."""
    return DealSnapshot(
        id=f"deal-{number}",
        crm="bench",
        stage="stage",
        stage_phase=rng.choice(PHASES),
        close_date=_date(rng),
        budget_status=rng.choice((*BudgetStatus, None)),
        decision_process=_text(rng),
        approval_status=rng.choice((*ApprovalStatus, None)),
        scope=_text(rng),
        reason=_text(rng),
        competitors=_text(rng),
        project_start=_date(rng),
        project_end=_date(rng),
        order_date=_date(rng),
        proposal_status=rng.choice((*ProposalStatus, None)),
        why_needed=_text(rng),
        why_now=_text(rng),
        why_us=_text(rng),
        technical_fit=_flag(rng),
        delivery_capacity=_flag(rng),
        schedule_prepared=_flag(rng),
        decision_maker_briefed=_flag(rng),
        informal_award=_flag(rng),
        terms_agreed=_flag(rng),
        delivery_owner=_text(rng),
        invoice_sent=_flag(rng),
        delivery_done=rng.choice((True, False, False, None)),
        contacts=_contacts(rng),
        mapped=MAPPED,
    )


def main() -> None:
    """Build the deals, time the evaluation, print deals/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    deals = [synthetic_deal(rng, n) for n in range(args.deals)]
    catalog = load_catalog()
    evaluate_deal(deals[0], NOW, catalog)  # compile the plan outside the timing

    phases: Counter[str] = Counter()
    for deal in deals:
        evaluation = evaluate_deal(deal, NOW, catalog)
        phases[evaluation.phase.value if evaluation else "none"] += 1
    best_wall = best_cpu = float("inf")
    for _ in range(max(args.repeat, 1)):
        wall, cpu = time.perf_counter(), time.process_time()
        for deal in deals:
            evaluate_deal(deal, NOW, catalog)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)

    rate = len(deals) / best_wall
    print(f"phases: {dict(sorted(phases.items()))}")
    print(f"gates: {len(catalog.gates)}; deals: {len(deals)}; best of {args.repeat} passes")
    print(
        f"wall {best_wall:.3f} s, cpu {best_cpu:.3f} s ({len(deals) / best_cpu:,.0f} deals/s cpu)"
    )
    verdict = "ok" if rate >= TARGET else "BELOW TARGET"
    print(f"{rate:,.0f} deals/s (target {TARGET:,}): {verdict}")


if __name__ == "__main__":
    main()
