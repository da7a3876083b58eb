"""The demo portal: 40 deals in every phase and both pipelines, their people, a few tasks.

Built as a seed (see `seed.py`), with dates relative to the load time. Evidence values rotate
through real text, placeholders (`TBD`, `未定`, `N/A`, blank) and empty, so that every evidence
property passes on some deals and fails on others, and every gate is met on some deal and failed
on another. Qualification is `pursue` on most deals; a few discovery deals are pending or
undecided, so only their qualifying tasks go out. It includes the course's own example: the
customer 国際工業株式会社 and its project ICタグを利用した物流在庫管理システム, proposed by
ABCシステム株式会社. One owner is deactivated and still owns a few deals.
"""

from __future__ import annotations

from typing import Any

from sandbox.hubspot.custom import ROLE_LABELS, STANCE_LABELS

OWNERS = [
    {"key": "sato", "firstName": "健", "lastName": "佐藤", "email": "k.sato@abc-system.example"},
    {"key": "chen", "firstName": "Emily", "lastName": "Chen", "email": "e.chen@abc-system.example"},
    {
        "key": "tanaka",
        "firstName": "美咲",
        "lastName": "田中",
        "email": "m.tanaka@abc-system.example",
    },
    {
        "key": "weber",
        "firstName": "Marcus",
        "lastName": "Weber",
        "email": "m.weber@abc-system.example",
    },
    {
        "key": "yamada",
        "firstName": "浩",
        "lastName": "山田",
        "email": "h.yamada@abc-system.example",
        "archived": True,
    },
]
ACTIVE = ("sato", "chen", "tanaka", "weber")

# (stage, pipeline, how many, close date offset of the first deal in days, step between deals)
STAGES: list[tuple[str, str, int, int, int]] = [
    ("appointmentscheduled", "default", 5, 120, 10),
    ("qualifiedtobuy", "default", 5, 90, 10),
    ("presentationscheduled", "default", 6, 60, 7),
    ("decisionmakerboughtin", "default", 5, 40, 5),
    ("contractsent", "default", 4, 20, 4),
    ("closedwon", "default", 4, -10, -15),  # recent wins: delivery
    ("closedwon", "default", 3, -120, -100),  # won long ago: maintenance
    ("closedlost", "default", 3, -30, -20),
    ("renewal_identified", "renewals", 2, 150, 30),
    ("renewal_quoted", "renewals", 2, 45, 15),
    ("renewal_won", "renewals", 1, -20, 0),
]

CUSTOMERS = [
    ("国際工業株式会社", "ICタグを利用した物流在庫管理システム"),
    ("Northwind Traders", "Warehouse scanning rollout"),
    ("東都精機株式会社", "生産管理システム刷新"),
    ("Contoso Retail", "Store analytics platform"),
    ("みなと商事株式会社", "受発注ポータル構築"),
    ("Fabrikam Logistics", "Fleet telematics integration"),
    ("さくら食品株式会社", "需要予測ダッシュボード"),
    ("Tailspin Airlines", "Crew scheduling upgrade"),
]

GOOD_TEXT = {
    "scope": [
        "Replace barcode counts with IC tags in 3 warehouses",
        "物流倉庫3拠点の在庫管理をICタグ化",
    ],
    "reason": ["Stock-outs cost 2% of sales; counts take 4 days", "棚卸工数を月40時間削減したい"],
    "competitors": ["XYZ Solutions (incumbent), DEF Tech", "競合: XYZソリューションズ"],
    "decision_process": [
        "Ops director proposes, CFO approves in the March board",
        "物流部長が起案し、役員会で決裁",
    ],
    "why_needed": ["Manual counts cannot keep up with volume", "手作業の棚卸が限界"],
    "why_now": ["New DC opens in Q3", "新物流センター稼働が10月"],
    "why_us": ["Only vendor with on-site IC tag support", "ICタグ導入実績が国内最多"],
    "delivery_owner": ["Aiko Mori (PM)", "森 愛子"],
    "budget_period": ["FY2027 operations budget", "2027年度上期 物流部予算"],
    "staffing_outlook": [
        "Two IC tag engineers free from June",
        "6月から開発者3名を確保できる見込み",
    ],
    "customer_team": [
        "Logistics lead Ms. Ito; IT and finance join; XYZ keeps the WMS",
        "物流部 伊藤課長がリーダー、情報システム部と経理部が参加",
    ],
    "selection_criteria": [
        "Track record 40%, price 30%, support 30%",
        "導入実績40%・価格30%・保守体制30%で評価",
    ],
    "stakeholder_expectations": [
        "CFO: payback in 2 years; site staff: no overtime at stocktaking",
        "経理部長は2年で投資回収、現場は棚卸の残業ゼロを期待",
    ],
    "win_over_plan": [
        "Our COO meets the IT manager with the pilot results",
        "反対の情報システム課長には、当社役員がパイロット結果を説明する",
    ],
}
# Deals whose qualification is not `pursue`: discovery deals pending or undecided (only their
# qualifying tasks go out), one deal moved past discovery undecided (taken as pursued), a lost
# deal dropped.
QUALIFICATION: dict[int, str | None] = {
    3: "pending", 4: None, 7: "pending", 9: None, 13: None, 33: "drop",
}  # fmt: skip
PLACEHOLDERS = ["TBD", "未定", "N/A", "  ", "-", "?"]


def _text(attribute: str, i: int) -> str | None:
    """Real text on about 3 deals in 5; otherwise a placeholder or nothing."""
    turn = (i + len(attribute)) % 5
    if turn < 3:
        choices = GOOD_TEXT[attribute]
        return choices[i % len(choices)]
    if turn == 3:
        return PLACEHOLDERS[i % len(PLACEHOLDERS)]
    return None


def _pick(values: tuple[str | None, ...], i: int, salt: int) -> str | None:
    return values[(i * 7 + salt) % len(values)]


# Deals whose evidence tells a story of its own, over the rotation above: a decision-phase deal
# fully prepared and briefed, an opposed influencer without a plan yet, a second long-won deal
# invoiced (and paid) so that maintenance holds a paid and an unpaid one.
STORIES: dict[int, dict[str, str]] = {
    17: {"dealgate_decision_maker_briefed": "true"},
    18: {"dealgate_win_over_plan": "未定"},
    21: {"dealgate_delivery_capacity": "true"},
    31: {"dealgate_invoice_sent": "true"},
}


def _method_evidence(i: int, stage: str) -> dict[str, str | None]:
    """Qualification, budget amount, gross profit, the invitation and the payment (the texts of
    the course's finer steps rotate with GOOD_TEXT)."""
    amount = 1_500_000 + (i * 730_000) % 9_000_000
    won = stage == "closedwon"
    return {
        "dealgate_qualification": QUALIFICATION.get(i, "pursue"),
        "dealgate_invited_to_propose": _pick(("true", "true", "false", None), i, 3),
        "dealgate_budget_amount": str(amount) if i % 3 != 1 else None,
        "dealgate_gross_profit": (str(amount // 4), str(amount // 5), "0", None)[i % 4],
        # won deals: paid, or invoiced and still unpaid
        "dealgate_payment_received": ("true" if i % 3 else "false") if won else None,
    }


def _deal(i: int, stage: str, pipeline: str, close_days: int) -> dict[str, Any]:
    customer, project = CUSTOMERS[i % len(CUSTOMERS)]
    if i == 0:
        customer, project = CUSTOMERS[0]
    props: dict[str, Any] = {
        "dealname": f"{customer} / {project}" + (f" #{i}" if i >= len(CUSTOMERS) else ""),
        "pipeline": pipeline,
        "dealstage": stage,
        "amount": str(1_500_000 + (i * 730_000) % 9_000_000) if i % 9 != 4 else None,
        "deal_currency_code": "JPY" if any("\u3000" <= c <= "\u9fff" for c in customer) else "USD",
        "closedate": f"@today{close_days:+d}d",
        "description": "提案: ABCシステム株式会社" if i == 0 else None,
        "dealgate_budget_status": _pick(("confirmed", "estimated", "unknown", None), i, 0),
        "dealgate_approval_status": _pick(
            ("drafted", "in_review", "approved", "not_started", "rejected", None), i, 1
        ),
        "dealgate_proposal_status": _pick(("presented", "drafted", "none", None), i, 2),
        "dealgate_project_start": f"@today+{30 + i}d" if i % 4 != 3 else None,
        "dealgate_project_end": f"@today+{200 + i}d" if i % 4 not in {2, 3} else None,
        "dealgate_order_date": f"@today+{10 + i}d" if i % 3 != 2 else None,
        **_method_evidence(i, stage),
    }
    for attribute in GOOD_TEXT:
        props[f"dealgate_{attribute}"] = _text(attribute, i)
    for n, attribute in enumerate(
        ("technical_fit", "delivery_capacity", "schedule_prepared", "decision_maker_briefed",
         "informal_award", "terms_agreed", "invoice_sent", "delivery_done")
    ):  # fmt: skip
        props[f"dealgate_{attribute}"] = _pick(("true", "false", None), i, n)
    if i == 0:  # the course's example is a healthy define-phase deal
        props.update(
            dealgate_budget_status="confirmed",
            dealgate_scope="物流倉庫の入出庫と棚卸をICタグで自動化する",
            dealgate_reason="棚卸の工数削減と在庫差異の解消",
            dealgate_decision_process="物流部長が起案し、役員会で稟議決裁",
            dealgate_approval_status="drafted",
            dealgate_budget_period="2027年度 物流部予算",
        )
    props.update(STORIES.get(i, {}))
    return {k: v for k, v in props.items() if v is not None}


def _contact(i: int) -> dict[str, Any]:
    customer, _ = CUSTOMERS[(i // 2) % len(CUSTOMERS)]
    japanese = any("\u3000" <= c <= "\u9fff" for c in customer)
    first = ["太郎", "花子", "一郎", "直美", "Alex", "Priya", "Tom", "Sara"][i % 8]
    last = ["山本", "鈴木", "高橋", "伊藤", "Morgan", "Patel", "Baker", "Kim"][(i // 8) % 8]
    if not japanese and i % 8 < 4:
        first = ["Jordan", "Lena", "Omar", "Grace"][i % 4]
    contacted = [-3, -20, -45, -80, -100, -150, -400, None][(i * 5) % 8]
    props: dict[str, Any] = {
        "firstname": first,
        "lastname": last,
        "email": f"contact{i}@{'kokusai-kogyo' if i < 2 else 'customer' + str(i % 8)}.example",
        "company": customer,
        "jobtitle": ["部長", "課長", "CFO", "IT Manager", "Buyer"][i % 5],
    }
    if contacted is not None:
        props["notes_last_contacted"] = f"@now{contacted:+d}d"
    return {"key": f"c{i}", "properties": props, "created": "@now-400d", "modified": "@now-2d"}


def _people(i: int) -> list[dict[str, Any]]:
    """Two contacts per deal, with role and stance labels that vary (some deals lack a D)."""
    stance = STANCE_LABELS
    first_role = ("Decision maker", "Decision maker", "Approver", "Influencer", None)[i % 5]
    second_role = ("Influencer", "Approver", None, "Decision maker")[i % 4]
    people = []
    for n, role in enumerate((first_role, second_role)):
        labels = [role, stance[(i + n) % len(stance)]] if role else []
        people.append({"contact": f"c{(2 * i + n) % 80}", "labels": labels})
    return people


def demo_seed() -> dict[str, Any]:
    """The demo portal as a seed dict (relative dates resolve when it is loaded)."""
    deals: list[dict[str, Any]] = []
    i = 0
    for stage, pipeline, count, first_close, step in STAGES:
        for n in range(count):
            owner = "yamada" if i % 8 == 5 else ACTIVE[i % len(ACTIVE)]
            deals.append(
                {
                    "key": f"d{i}",
                    "owner": owner,
                    "properties": _deal(i, stage, pipeline, first_close + n * step),
                    "contacts": _people(i),
                    "created": f"@now-{200 - i * 3}d",
                    "modified": f"@now-{(i * 7) % 40}d",
                }
            )
            i += 1
    body = "<p>予算が確定していません。予算の確保状況を顧客に確認してください。</p>"
    tasks = [
        {
            "key": "t_open",
            "owner": "sato",
            "deal": "d1",
            "properties": {
                "hs_task_subject": "[dealgate] Confirm the budget",
                "hs_task_body": f"{body}<p>dealgate:budget_confirmed</p>",
                "hs_task_status": "NOT_STARTED",
                "hs_task_priority": "HIGH",
                "hs_timestamp": "@now+2d",
            },
            "created": "@now-1d",
        },
        {
            "key": "t_done",
            "owner": "chen",
            "deal": "d2",
            "properties": {
                "hs_task_subject": "[dealgate] Confirm the budget",
                "hs_task_body": f"{body}<p>dealgate:budget_confirmed</p>",
                "hs_task_status": "COMPLETED",
                "hs_task_priority": "MEDIUM",
                "hs_timestamp": "@now-6d",
                "hs_task_completion_date": "@now-3d",
            },
            "created": "@now-9d",
            "modified": "@now-3d",
        },
        {
            "key": "t_rep",
            "owner": "tanaka",
            "deal": "d0",
            "contacts": ["c0"],
            "properties": {
                "hs_task_subject": "見積書の送付",
                "hs_task_body": "<p>山本様に見積書を送付する</p>",
                "hs_task_status": "IN_PROGRESS",
                "hs_task_priority": "MEDIUM",
                "hs_timestamp": "@now+5d",
            },
            "created": "@now-4d",
        },
    ]
    return {
        "schema": "dealgate",
        "owners": OWNERS,
        "contacts": [_contact(n) for n in range(80)],
        "deals": deals,
        "tasks": tasks,
    }


__all__ = ["ROLE_LABELS", "demo_seed"]
