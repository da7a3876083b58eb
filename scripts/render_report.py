"""Render a demo HTML audit report and check it in headless Chromium.

    python scripts/render_report.py [--deals 400] [--screenshot docs/audit-report.png]
    python scripts/render_report.py --lang ja --width 1400 --screenshot docs/audit-report-ja.png

Builds a report from generated deals (the real gate catalog evaluates them), opens it in headless
Chromium twice: `--dump-dom` to check that the rendered page has every section id the report
promises, then `--screenshot`. Exits 0 when every section is there, 1 when one is missing, 2 when
Chromium cannot be run. CI machines have no Chromium: this is a script, not a test (the pytest
tests check the HTML structure without a browser).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gates import Catalog, evaluate_deal, load_catalog
from gates.snapshot import (
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
from sync.reports import AuditRow, AuditSummary, GateInfo, ReportContext, RunFacts
from sync.reports.html_report import SECTION_IDS, HtmlReport

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
OWNERS = {"u1": "田中 愛子", "u2": "Ben Ortiz", "u3": "佐藤 健", "u4": "Chloé Martin"}
COMPANIES = ("Acme", "株式会社ミドリ", "Northwind", "東都物流", "Globex", "さくら銀行", "Initech")
PROJECTS = ("ERP刷新", "CRM rollout", "基幹システム更改", "Data platform", "セキュリティ監査")
# stage id, label, phase, CRM probability
STAGES = (
    ("appointmentscheduled", "Appointment scheduled", Phase.DISCOVERY, 0.2),
    ("qualifiedtobuy", "Qualified to buy", Phase.DISCOVERY, 0.4),
    ("presentationscheduled", "Presentation scheduled", Phase.DEFINE, 0.6),
    ("decisionmakerboughtin", "Decision maker bought-in", Phase.DECISION, 0.8),
    ("contractsent", "Contract sent", Phase.DECISION, 0.9),
    ("closedwon", "Closed won", Phase.DELIVERY, 1.0),
)
# The same stages as a Japanese team labels them in its CRM (for the `--lang ja` report).
JA_STAGE_LABELS = {
    "appointmentscheduled": "初回訪問",
    "qualifiedtobuy": "案件化",
    "presentationscheduled": "提案",
    "decisionmakerboughtin": "意思決定者合意",
    "contractsent": "契約書送付",
    "closedwon": "受注",
}
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _evidence(rng: random.Random, fill: float) -> dict[str, object]:
    """Evidence attributes, each present with probability `fill`."""
    values: dict[str, object] = {}
    for name, kind in EVIDENCE_ATTRIBUTES.items():
        if rng.random() > fill:
            continue
        if kind == "text":
            values[name] = rng.choice(("Confirmed with the customer", "TBD", "部長承認済み"))
        elif kind == "date":
            values[name] = date(2027, 1, 1) + timedelta(days=rng.randrange(0, 300))
        elif kind == "bool":
            values[name] = True
        elif kind == "enum:budget_status":
            values[name] = rng.choice((BudgetStatus.CONFIRMED, BudgetStatus.ESTIMATED))
        elif kind == "enum:approval_status":
            values[name] = rng.choice(
                (ApprovalStatus.DRAFTED, ApprovalStatus.APPROVED, ApprovalStatus.IN_REVIEW)
            )
        elif kind == "enum:proposal_status":
            values[name] = rng.choice((ProposalStatus.DRAFTED, ProposalStatus.PRESENTED))
    return values


def demo_snapshots(count: int, seed: int = 7, lang: str = "en") -> Iterator[DealSnapshot]:
    """Deals across every phase, two currencies, four owners, some with inflated stages."""
    rng = random.Random(seed)
    for i in range(count):
        stage, label, phase, probability = rng.choice(STAGES)
        depth = list(Phase).index(phase)
        fill = min(0.95, 0.35 + 0.2 * depth + rng.uniform(-0.3, 0.15))
        contacts = tuple(
            KeyContact(
                id=f"c{i}-{k}",
                name=f"Contact {k}",
                role=rng.choice((Role.DECISION_MAKER, Role.APPROVER, Role.INFLUENCER, None)),
                stance=rng.choice(list(Stance)),
                last_contacted=NOW - timedelta(days=rng.randrange(1, 200)),
            )
            for k in range(rng.randrange(0, 4))
        )
        jpy = rng.random() < 0.6
        closed = NOW.date() + timedelta(days=rng.randrange(-200, 120))
        name = f"{rng.choice(COMPANIES)} {rng.choice(PROJECTS)}"
        if i == 3:
            name = "<b>Acme</b> & Co. <script>alert(1)</script>"  # shown as text, never run
        yield DealSnapshot(
            id=f"{1000 + i}",
            name=name,
            crm="hubspot",
            pipeline="default",
            stage=stage,
            stage_label=JA_STAGE_LABELS[stage] if lang == "ja" else label,
            stage_phase=phase,
            stage_probability=probability,
            owner_id=rng.choice(list(OWNERS)),
            amount=float(rng.randrange(5, 300) * (100_000 if jpy else 1_000)),
            currency="JPY" if jpy else "USD",
            close_date=closed,
            contacts=contacts,
            mapped=frozenset(EVIDENCE_ATTRIBUTES) | {"contacts", "last_contacted"},
            **_evidence(rng, fill),
        )


def demo_report(count: int, lang: str = "en") -> str:
    """The HTML report of `count` generated deals, in `lang`."""
    catalog: Catalog = load_catalog()
    context = ReportContext(
        crm="hubspot",
        generated_at=NOW,
        gates={g.id: GateInfo(g.id, g.phase, g.title.get(lang)) for g in catalog.gates},
        owners=OWNERS,
        language=lang,
    )
    summary = AuditSummary(context, flagged_cap=25)
    for snapshot in demo_snapshots(count, lang=lang):
        evaluation = evaluate_deal(snapshot, NOW, catalog)
        if evaluation is not None:
            summary.add(AuditRow(snapshot, evaluation, context.owner_name(snapshot.owner_id)))
    summary.record_run(
        RunFacts(
            deals_read=count + 2,
            deals_evaluated=count,
            unmapped_stages={("default", "legacy_stage"): 2},
        )
    )
    out = io.StringIO()
    HtmlReport(out).finish(summary)
    return out.getvalue()


def find_browser(explicit: str | None) -> str | None:
    """The Chromium binary to use."""
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One headless Chromium run with a throw-away profile."""
    command = [browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=400, help="generated deals (400)")
    parser.add_argument("--screenshot", type=Path, default=Path("docs/audit-report.png"))
    parser.add_argument("--html", type=Path, help="also keep the rendered report here")
    parser.add_argument("--chromium", help="the browser binary (default: found on PATH)")
    parser.add_argument("--lang", choices=("en", "ja"), default="en", help="report language")
    parser.add_argument("--width", type=int, default=1280, help="window width in px (1280)")
    parser.add_argument("--height", type=int, default=2400, help="window height in px (2400)")
    args = parser.parse_args(argv)

    browser = find_browser(args.chromium)
    if browser is None:
        print("render_report: no Chromium found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    document = demo_report(args.deals, args.lang)
    with tempfile.TemporaryDirectory(prefix="dealgate-render-") as temp:
        page = Path(temp) / "audit.html"
        page.write_text(document, encoding="utf-8")
        if args.html:
            args.html.write_text(document, encoding="utf-8")
        dumped = run_browser(browser, Path(temp) / "profile-dom", "--dump-dom", page.as_uri())
        if dumped.returncode != 0 or "<html" not in dumped.stdout:
            print(f"render_report: chromium failed: {dumped.stderr[-2000:]}", file=sys.stderr)
            return 2
        rendered = set(re.findall(r'<section id="([^"]+)"', dumped.stdout))
        missing = [s for s in SECTION_IDS if s not in rendered]
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        shot = run_browser(
            browser,
            Path(temp) / "profile-shot",
            f"--screenshot={args.screenshot.resolve()}",
            f"--window-size={args.width},{args.height}",
            "--hide-scrollbars",
            page.as_uri(),
        )
        if shot.returncode != 0 or not args.screenshot.exists():
            print(f"render_report: no screenshot: {shot.stderr[-2000:]}", file=sys.stderr)
            return 2
    if missing:
        print(f"render_report: sections missing in the rendered DOM: {', '.join(missing)}")
        return 1
    print(f"render_report: all {len(SECTION_IDS)} sections rendered; screenshot {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
