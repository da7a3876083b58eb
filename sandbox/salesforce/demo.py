"""The demo org: 40 deals across every stage, in English and Japanese, with uneven evidence.

Every evidence field passes on some deals and fails on others (empty, placeholders such as
"TBD" and "未定", real text); deals sit in every standard stage, including Closed Won both
recent and more than 90 days old, and Closed Lost. One of the five users is inactive and still
owns deals. Contact roles use every role and stance; last activity dates are spread between
recent and more than 90 days ago. A few dealgate tasks exist already, one open, one completed.
Every gate is met on some deal and failed on another: qualification is `pursue` on most deals, a
few discovery deals are pending or undecided (only their qualifying tasks go out), one define
deal moved on undecided (taken as pursued: moving it on was the decision); the oldest win is
invoiced and still unpaid.
The course's own example is here: 国際工業株式会社's ICタグを利用した物流在庫管理システム,
proposed by ABCシステム株式会社.

All dates are relative to the store's clock, so the demo stays meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.salesforce.schema import STANCES

USERS = (
    ("sato", "Ken Sato", "ken.sato@abc-system.example", True),
    ("tanaka", "Yuki Tanaka", "yuki.tanaka@abc-system.example", True),
    ("morgan", "Alex Morgan", "alex.morgan@abc-system.example", True),
    ("shah", "Priya Shah", "priya.shah@abc-system.example", True),
    ("becker", "Tom Becker", "tom.becker@abc-system.example", False),
)

# customer|project|stage|owner|amount|currency|close date (days from today)|evidence profile
_DEALS_TABLE = """
国際工業株式会社|ICタグを利用した物流在庫管理システム|Proposal/Price Quote|sato|48000000|JPY|45|good
東邦精機株式会社|生産管理システム刷新|Prospecting|sato|30000000|JPY|120|thin
みなと物産株式会社|受発注EDI導入|Qualification|tanaka|12000000|JPY|90|partial
北斗電機株式会社|工場IoT可視化|Needs Analysis|tanaka|25000000|JPY|75|full
さくら食品株式会社|在庫最適化クラウド|Value Proposition|sato|18000000|JPY|60|partial
大和建設株式会社|現場安全管理アプリ|Id. Decision Makers|tanaka|9500000|JPY|50|good
青葉銀行|融資審査ワークフロー|Perception Analysis|sato|65000000|JPY|40|full
富士見運輸株式会社|配車計画システム|Negotiation/Review|tanaka|22000000|JPY|20|full
千代田化学株式会社|品質管理データ基盤|Negotiation/Review|becker|34000000|JPY|15|ahead
日本海水産株式会社|トレーサビリティ基盤|Closed Won|sato|14000000|JPY|-20|full
関東医療器株式会社|保守部品管理|Closed Won|tanaka|8000000|JPY|-130|full
中央出版株式会社|電子書籍配信基盤|Closed Lost|sato|11000000|JPY|-10|partial
東洋テキスタイル株式会社|需要予測AI|Prospecting|becker|16000000|JPY|150|thin
いろは商事株式会社|経費精算クラウド移行|Qualification|sato|4500000|JPY|80|good
山陽エネルギー株式会社|設備保全予知|Proposal/Price Quote|tanaka|52000000|JPY|35|ahead
西日本ホテルズ株式会社|予約統合システム|Closed Won|becker|27000000|JPY|-100|good
Northwind Traders|Warehouse scanning rollout|Prospecting|morgan|120000|USD|100|partial
Contoso Pharma|Clinical trial portal|Qualification|shah|340000|USD|85|full
Fabrikam Motors|Dealer management system|Needs Analysis|morgan|210000|USD|70|thin
Globex Logistics|Route optimisation|Value Proposition|shah|95000|USD|55|good
Initech|Service desk replacement|Id. Decision Makers|morgan|60000|USD|45|partial
Umbrella Retail|Loyalty platform|Perception Analysis|shah|180000|USD|30|ahead
Stark Components|Supplier portal|Proposal/Price Quote|morgan|150000|USD|25|full
Wayne Foods|Cold chain monitoring|Negotiation/Review|shah|275000|USD|12|good
Acme Utilities|Field service mobility|Closed Won|morgan|400000|USD|-5|full
Hooli Media|Content archive migration|Closed Lost|shah|85000|USD|-40|thin
Soylent Farms|Crop yield analytics|Closed Won|shah|130000|EUR|-200|good
Vandelay Industries|Import compliance tool|Prospecting|shah|45000|USD|130|partial
Cyberdyne Systems|Predictive maintenance|Qualification|becker|220000|USD|95|ahead
Oceanic Airlines|Crew scheduling|Needs Analysis|morgan|510000|USD|65|good
Tyrell Biotech|Lab inventory system|Value Proposition|morgan|75000|EUR|50|thin
Massive Dynamic|Data lake consolidation|Id. Decision Makers|shah|330000|USD|40|full
Gringotts Finance|KYC automation|Perception Analysis|morgan|260000|EUR|35|partial
Monarch Textiles|PLM rollout|Proposal/Price Quote|shah|140000|EUR|28|partial
Blue Sun Energy|Grid telemetry|Negotiation/Review|morgan|690000|USD|8|thin
Aperture Labs|Test automation suite|Closed Won|shah|98000|USD|-60|partial
Wonka Confectionery|Recipe management|Closed Lost|morgan|66000|EUR|-75|good
Pied Piper|Compression appliance|Prospecting|morgan|35000|USD|160|full
Bluth Company|Property sales CRM|Qualification|shah|52000|USD|110|thin
Duff Beverages|Brewery MES|Needs Analysis|shah|145000|USD|88|partial
"""
DEALS: tuple[tuple[str, str, str, str, float, str, int, str], ...] = tuple(
    (c, p, stage, owner, float(amount), currency, int(close), profile)
    for c, p, stage, owner, amount, currency, close, profile in (
        [cell.strip() for cell in line.split("|")] for line in _DEALS_TABLE.strip().splitlines()
    )
)

PLACEHOLDERS = ("TBD", "未定", "", "N/A", "-", "?", "不明", "なし", "  ", "tbc.")
ROLE_PAIRS = (
    ("Decision Maker", "Influencer"),
    ("Economic Buyer", "Evaluator"),
    ("Executive Sponsor", "Technical Buyer"),
    ("Business User", "Other"),
    ("Economic Decision Maker", None),
    ("Decision Maker", "Economic Buyer"),
    ("Influencer", "Business User"),
)
ACTIVITY_DAYS = (-3, -12, -45, -95, -150, None, -30, -200, -7, -120)
JA_NAMES = (
    ("太郎", "山田"),
    ("花子", "鈴木"),
    ("一郎", "高橋"),
    ("美咲", "伊藤"),
    ("健", "渡辺"),
    ("直子", "中村"),
    ("誠", "小林"),
    ("愛", "加藤"),
)
EN_NAMES = (
    ("Olivia", "Brown"),
    ("Liam", "Garcia"),
    ("Emma", "Miller"),
    ("Noah", "Davis"),
    ("Ava", "Wilson"),
    ("Ethan", "Moore"),
    ("Mia", "Taylor"),
    ("Lucas", "Clark"),
)


_Text = Callable[[int, str, str], "str | None"]  # (field index, English, Japanese) -> value


def _text(profile: str, index: int, real: str) -> str | None:
    """Real text, a placeholder, or nothing, depending on the deal's evidence profile."""
    if profile == "full":
        return real
    if profile == "good":
        return real if index % 4 else PLACEHOLDERS[index % len(PLACEHOLDERS)]
    if profile in ("partial", "ahead"):
        return real if index % 2 else PLACEHOLDERS[index % len(PLACEHOLDERS)]
    return None if index % 3 == 0 else PLACEHOLDERS[index % len(PLACEHOLDERS)]


def _evidence(
    profile: str, index: int, japanese: bool, customer: str, stage: str, amount: float, close: int
) -> dict[str, Any]:
    strong = profile in ("full", "good")
    won = stage == "Closed Won"

    def t(field_index: int, en: str, ja: str) -> str | None:
        return _text(profile, index + field_index, ja if japanese else en)

    return {
        "Budget_Status__c": ("confirmed" if strong and index % 5 else "estimated")
        if profile != "thin"
        else ("unknown" if index % 2 else None),
        "Decision_Process__c": t(
            1, "IT committee reviews, CFO signs off", "情報システム部で起案、役員会で決裁"
        ),
        "Approval_Status__c": (
            "approved"
            if won or (strong and stage == "Negotiation/Review")
            else "drafted"
            if strong
            else "rejected"
            if index % 7 == 3
            else "not_started"
        ),
        "Project_Scope__c": t(
            2, "Replace the legacy system for three sites", "3拠点の既存システムを刷新"
        ),
        "Project_Reason__c": t(3, "Cut stock-outs by half", "欠品と棚卸工数を半減する"),
        "Competitors__c": t(4, "Two regional integrators", "大手SIer 2社"),
        "Project_Start__c": f"today+{20 + index}" if strong or index % 2 else None,
        "Project_End__c": f"today+{200 + index}" if strong else None,
        "Order_Date__c": f"today+{10 + index}" if strong or index % 3 == 1 else None,
        "Proposal_Status__c": "presented" if strong else ("drafted" if index % 2 else "none"),
        "Why_Needed__c": t(5, "Manual counts cause errors", "手作業の棚卸でミスが多い"),
        "Why_Now__c": t(6, "Current contract ends this year", "現行保守が今年度で終了"),
        "Why_Us__c": t(
            7,
            "Proven rollouts in this industry",
            f"ABCシステム株式会社は{customer}の業界で導入実績が豊富",
        ),
        "Technical_Fit__c": strong or index % 3 == 0,
        "Delivery_Capacity__c": strong and index % 4 != 1,
        "Schedule_Prepared__c": strong,
        "Decision_Maker_Briefed__c": strong and (index % 2 == 0 or stage == "Negotiation/Review"),
        "Informal_Award__c": won or (strong and stage == "Negotiation/Review"),
        "Terms_Agreed__c": won or (profile == "full" and stage == "Negotiation/Review"),
        # named a month after the win; the invoice goes out at once or after a month
        "Delivery_Owner__c": (
            t(8, "Dana Project", "プロジェクト管理部 木村") if won and close <= -30 else None
        ),
        "Invoice_Sent__c": won and (index % 2 == 0 or close < -30),
        "Delivery_Done__c": won and index % 3 == 0,
        **_method_evidence(profile, index, stage, amount, close, t),
    }


# Deals whose qualification is not `pursue`: discovery deals still pending or undecided (only
# their qualifying tasks go out), one deal moved past discovery undecided, lost deals dropped.
QUALIFICATION = {1: None, 12: "pending", 16: "pending", 38: None, 21: None, 11: "drop", 25: "drop"}


def _method_evidence(
    profile: str, index: int, stage: str, amount: float, close: int, t: _Text
) -> dict[str, Any]:
    """The evidence of the course's finer steps: qualification, budget amount and period,
    staffing, the customer's team, agreement conditions, gross profit, the plan for opponents,
    payment."""
    strong = profile in ("full", "good")
    partly = profile in ("partial", "ahead") and index % 2 == 1
    invoiced = stage == "Closed Won" and (index % 2 == 0 or close < -30)
    gross_profit: float | None = None
    if strong or partly:
        gross_profit = float(round(amount * (0.28 if strong else 0.2)))
    elif profile != "thin":
        gross_profit = 0.0  # the quote leaves no margin yet
    return {
        "Qualification__c": QUALIFICATION.get(index, "pursue"),
        "Invited_To_Propose__c": strong or partly,
        "Budget_Amount__c": amount if (strong and index % 6) or partly else None,
        "Budget_Period__c": t(9, "FY2027 IT budget", "2027年度 情報システム予算"),
        "Staffing_Outlook__c": t(
            10,
            "Two engineers free from May; PM from the Osaka team",
            "6月から開発者3名を確保できる見込み",
        ),
        "Customer_Team__c": t(
            11,
            "IT lead, with logistics and finance; their hosting vendor joins",
            "情報システム部の課長がリーダー、物流部と経理部が参加",
        ),
        "Selection_Criteria__c": t(
            12,
            "Price 30%, track record 40%, support 30%",
            "価格30%・導入実績40%・保守体制30%で評価",
        ),
        "Stakeholder_Expectations__c": t(
            13,
            "CFO: payback in two years; site staff: less overtime",
            "経理部長は2年での投資回収、現場は残業の削減を期待",
        ),
        "Gross_Profit__c": gross_profit,
        "Win_Over_Plan__c": t(
            14,
            "Our CFO sponsor walks the opposed IT manager through the ROI case",
            "反対の情報システム課長には、当社役員から投資対効果を説明する",
        ),
        # paid a month or more after closing; the oldest win is invoiced and still unpaid
        "Payment_Received__c": invoiced and -180 < close < -30,
    }


def demo_seed() -> dict[str, list[dict[str, Any]]]:
    """The demo dataset in seed form (see `sandbox.salesforce.seed`)."""
    users = [
        {"ref": ref, "Name": name, "Email": email, "IsActive": active}
        for ref, name, email, active in USERS
    ]
    deals: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    for index, (customer, project, stage, owner, amount, currency, close, profile) in enumerate(
        DEALS
    ):
        japanese = currency == "JPY"
        deal_ref = f"deal{index}"
        deals.append(
            {
                "ref": deal_ref,
                "Name": f"{customer} {project}" if japanese else f"{customer} - {project}",
                "StageName": stage,
                "OwnerId": f"@{owner}",
                "Amount": amount,
                "CurrencyIsoCode": currency,
                "CloseDate": f"today{close:+d}",
                "CreatedDate": f"now-{60 + index * 3}",
                "LastModifiedDate": f"now-{index % 9}",
                "SystemModstamp": f"now-{index % 9}",
                **_evidence(profile, index, japanese, customer, stage, amount, close),
            }
        )
        names = JA_NAMES if japanese else EN_NAMES
        for slot, role in enumerate(ROLE_PAIRS[index % len(ROLE_PAIRS)]):
            first, last = names[(index * 2 + slot) % len(names)]
            domain = f"customer{index}.example"
            contact_ref = f"c{index}_{slot}"
            days = ACTIVITY_DAYS[(index + slot * 3) % len(ACTIVITY_DAYS)]
            contacts.append(
                {
                    "ref": contact_ref,
                    "FirstName": first,
                    "LastName": last,
                    "Email": f"contact{slot}@{domain}",
                    "LastActivityDate": None if days is None else f"today{days:+d}",
                }
            )
            stance = [*STANCES, None][(index + slot) % (len(STANCES) + 1)]
            roles.append(
                {
                    "OpportunityId": f"@{deal_ref}",
                    "ContactId": f"@{contact_ref}",
                    "Role": role,
                    "IsPrimary": slot == 0,
                    "Stance__c": stance,
                }
            )
    return {
        "User": users,
        "Contact": contacts,
        "Opportunity": deals,
        "OpportunityContactRole": roles,
        "Task": _tasks(),
    }


def _tasks() -> list[dict[str, Any]]:
    def marker_task(deal: int, owner: str, status: str, gate: str, subject: str) -> dict[str, Any]:
        done = {"CompletedDateTime": "now-6"} if status == "Completed" else {}
        return {
            **done,
            "Subject": subject,
            "Description": f"{subject}.\nSee the deal's checklist.\ndealgate:{gate}",
            "WhatId": f"@deal{deal}",
            "OwnerId": f"@{owner}",
            "ActivityDate": "today+2" if status != "Completed" else "today-6",
            "Status": status,
            "Priority": "High" if status != "Completed" else "Normal",
            "CreatedDate": "now-9",
        }

    return [
        marker_task(2, "tanaka", "Not Started", "budget_confirmed", "Confirm the budget"),
        marker_task(4, "sato", "Completed", "budget_confirmed", "Confirm the budget"),
        {
            "Subject": "提案書ドラフト送付",
            "Description": "提案書のドラフトを送付する",
            "WhatId": "@deal0",
            "OwnerId": "@sato",
            "ActivityDate": "today+3",
            "Status": "In Progress",
        },
        {
            "Subject": "Call back about pricing",
            "WhatId": "@deal23",
            "OwnerId": "@shah",
            "ActivityDate": "today-1",
            "Status": "Waiting on someone else",
            "Priority": "Low",
        },
    ]
