"""Synthetic portals of any size, for load tests and benchmarks.

`generate(store, n_deals, ...)` adds deals in the default pipeline with contacts and open tasks,
deterministically from a seed. Repeated values (stages, owners, dates, amounts) share one string
object each, and records go in without per-value validation, so 100,000 deals with their contacts
and tasks load in seconds. The evidence of the course's finer steps (qualification, budget amount
and period, ..., payment) comes as one of a few prepared combinations per deal, drawn from a random
stream of its own, so the rest of a seed's data is what it was without those properties.
"""

from __future__ import annotations

import random
from collections.abc import Container

from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.wire import date_text, iso_ms

DAY_MS = 86_400_000
OPEN_STAGES = (
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
    "contractsent",
)  # fmt: skip
STAGES = (*OPEN_STAGES, "closedwon", "closedlost")
BUDGET = ("unknown", "estimated", "confirmed")
APPROVAL = ("not_started", "drafted", "in_review", "approved", "rejected")
_TEXTS = ("TBD", "未定", "Documented with the customer", "Agreed")
# dealgate_<attribute> -> the values it takes (None: left empty)
METHOD_VALUES: dict[str, tuple[str | None, ...]] = {
    "dealgate_qualification": ("pursue", "pursue", "pending", "drop", None),
    "dealgate_invited_to_propose": ("true", "false"),
    "dealgate_budget_amount": ("0", "1500000", "8000000", "25000000", None),
    "dealgate_budget_period": (*_TEXTS, None),
    "dealgate_staffing_outlook": (*_TEXTS, None),
    "dealgate_customer_team": (*_TEXTS, None),
    "dealgate_selection_criteria": (*_TEXTS, None),
    "dealgate_stakeholder_expectations": (*_TEXTS, None),
    "dealgate_gross_profit": ("0", "450000", "2400000", None),
    "dealgate_win_over_plan": (*_TEXTS, None),
    "dealgate_payment_received": ("true", "false"),
}
_COMBINATIONS = 64  # prepared combinations of those values


def _method_pool(rng: random.Random, present: Container[str]) -> list[dict[str, str]]:
    """A few combinations of `METHOD_VALUES` for the properties the portal has; each deal
    takes one, sharing its strings."""
    pool = []
    for _ in range(_COMBINATIONS):
        combination = {}
        for name, values in METHOD_VALUES.items():
            value = rng.choice(values)
            if value is not None and name in present:
                combination[name] = value
        pool.append(combination)
    return pool


def generate(
    store: HubSpotStore,
    n_deals: int,
    contacts_per_deal: int = 3,
    tasks_per_deal: int = 1,
    seed: int = 0,
) -> list[str]:
    """Add `n_deals` deals with their contacts and tasks; returns the new deal ids."""
    rng = random.Random(seed)
    with store.lock:
        owners = list(store.active_owner_ids())
        if not owners:
            owners = [store.add_owner(f"Rep{n}", "Generated") for n in range(10)]
        now = store.now_ms()
        today = now - now % DAY_MS
        dates = [iso_ms(today + (d - 180) * DAY_MS) for d in range(540)]
        days = [date_text(today + (d - 30) * DAY_MS) for d in range(400)]
        amounts = [str(500_000 + 25_000 * k) for k in range(400)]
        deal_props = store.properties["deals"]
        with_evidence = "dealgate_budget_status" in deal_props
        method_rng = random.Random(f"method-{seed}")
        method_pool = _method_pool(method_rng, deal_props)

        deals = []
        for n in range(n_deals):
            props = {
                "dealname": f"Generated deal {seed}-{n}",
                "pipeline": "default",
                "dealstage": rng.choice(STAGES),
                "amount": rng.choice(amounts),
                "closedate": rng.choice(dates),
                "hubspot_owner_id": rng.choice(owners),
            }
            if with_evidence:
                props["dealgate_budget_status"] = rng.choice(BUDGET)
                props["dealgate_approval_status"] = rng.choice(APPROVAL)
                props["dealgate_order_date"] = rng.choice(days)
                props.update(method_rng.choice(method_pool))
            created = now - rng.randrange(365) * DAY_MS - rng.randrange(DAY_MS)
            deals.append((props, created, min(now, created + rng.randrange(60) * DAY_MS)))
        deal_ids = store.bulk_insert("deals", deals)

        contacts = []
        for n in range(n_deals * contacts_per_deal):
            props = {
                "firstname": f"First{n}",
                "lastname": f"Last{seed}",
                "email": f"person{seed}-{n}@generated.example",
                "notes_last_contacted": rng.choice(dates[:181]),
            }
            contacts.append((props, now - 400 * DAY_MS, now - rng.randrange(100) * DAY_MS))
        contact_ids = store.bulk_insert("contacts", contacts)

        tasks = []
        due = [iso_ms(now + d * DAY_MS) for d in range(1, 15)]
        for n in range(n_deals * tasks_per_deal):
            props = {
                "hs_task_subject": f"Follow up {n}",
                "hs_task_body": "<p>Generated follow-up</p>",
                "hs_task_status": "NOT_STARTED",
                "hs_task_priority": "MEDIUM",
                "hs_task_type": "TODO",
                "hs_timestamp": rng.choice(due),
                "hubspot_owner_id": rng.choice(owners),
            }
            tasks.append((props, now, now))
        task_ids = store.bulk_insert("tasks", tasks)

        decision = store.associations.find_label("deals", "contacts", "Decision maker")
        first_label = () if decision is None else (decision.type_id,)
        store.associations.bulk_add(
            "deals",
            "contacts",
            (
                (deal_id, contact_ids[n * contacts_per_deal + k], first_label if k == 0 else ())
                for n, deal_id in enumerate(deal_ids)
                for k in range(contacts_per_deal)
            ),
        )
        store.associations.bulk_add(
            "tasks",
            "deals",
            (
                (task_ids[n * tasks_per_deal + k], deal_id, ())
                for n, deal_id in enumerate(deal_ids)
                for k in range(tasks_per_deal)
            ),
        )
    return [str(i) for i in deal_ids]
