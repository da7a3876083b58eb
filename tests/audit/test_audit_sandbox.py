"""End to end over the sandbox CRMs: the real connectors, mappings and gates, every format.

An audit must not write: the sandbox's request log holds no write request afterwards, and no
state file appears.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from connector.base import Connector
from connector.errors import AuthError
from connector.hubspot import HubSpotConnector
from connector.salesforce import SalesforceConnector
from sandbox.http import App
from sync.audit import run_audit
from sync.config import ConfigError, Settings
from sync.reports.html_report import SECTION_IDS

from .test_html_report import parse


@dataclass
class Crm:
    settings: Settings
    connect: Callable[[Settings], Connector]
    app: App
    state: Path

    def audit(self, **options: Any) -> tuple[int, str]:
        values: dict[str, Any] = {
            "pipeline": None,
            "phase": None,
            "owner": None,
            "fmt": "json",
            "output": None,
            "strict": False,
            "progress": False,
        }
        values.update(options)
        out = io.StringIO()
        code = run_audit(self.settings, self.connect(self.settings), out=out, **values)
        return code, out.getvalue()


def hubspot(request: pytest.FixtureRequest, tmp_path: Path) -> Crm:
    sandbox = request.getfixturevalue("hs_sandbox")
    settings = Settings(
        crm="hubspot",
        # The client-side search limit protects a real account; the sandbox needs no pause.
        hubspot={
            "access_token": sandbox.token,
            "base_url": sandbox.url,
            "searches_per_second": 1000,
        },  # type: ignore[arg-type]
        state=f"sqlite:///{tmp_path / 'state.db'}",
        base_dir=tmp_path,
    )
    return Crm(settings, lambda s: HubSpotConnector(s.hubspot), sandbox.app, tmp_path / "state.db")


def salesforce(request: pytest.FixtureRequest, tmp_path: Path) -> Crm:
    sandbox = request.getfixturevalue("sf_sandbox")
    settings = Settings(
        crm="salesforce",
        salesforce={  # type: ignore[arg-type]
            "instance_url": sandbox.url,
            "auth": {"method": "session", "session_id": sandbox.token},
            "ca_bundle": str(sandbox.ca_file),
        },
        state=f"sqlite:///{tmp_path / 'state.db'}",
        base_dir=tmp_path,
    )
    return Crm(
        settings, lambda s: SalesforceConnector(s.salesforce), sandbox.app, tmp_path / "state.db"
    )


@pytest.fixture(params=["hubspot", "salesforce"])
def crm(request: pytest.FixtureRequest, tmp_path: Path) -> Crm:
    build = hubspot if request.param == "hubspot" else salesforce
    return build(request, tmp_path)


def test_every_format_reads_only(crm: Crm, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for fmt in ("table", "json", "csv", "html"):
        code, printed = crm.audit(fmt=fmt, output=reports / f"audit.{fmt}")
        assert (code, printed) == (0, "")
    assert crm.app.writes() == []
    assert not crm.state.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]

    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    deals = document["deals"]
    assert deals and document["summary"]["deals"] == len(deals)
    assert {d["phase"] for d in deals} <= {
        "discovery",
        "define",
        "decision",
        "delivery",
        "maintenance",
    }
    failing = sum(len(d["failing_gates"]) for d in deals)

    raw = (reports / "audit.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == failing  # one row per (deal, failing gate)
    names = {d["id"]: d["name"] for d in deals}
    assert all(names[r["deal_id"]].endswith(r["deal_name"].lstrip("'")) for r in rows)

    page = parse((reports / "audit.html").read_text(encoding="utf-8"))
    assert set(SECTION_IDS) <= set(page.ids)
    assert page.problems == []

    table = (reports / "audit.table").read_text(encoding="utf-8")
    assert f"{len(deals)} deals audited" in table
    assert deals[0]["name"].split()[0] in table


def test_phase_filter(crm: Crm) -> None:
    _, everything = crm.audit()
    all_deals = json.loads(everything)["deals"]
    _, text = crm.audit(phase="define")
    document = json.loads(text)
    assert document["deals"]
    assert {d["phase"] for d in document["deals"]} == {"define"}
    assert len(document["deals"]) == sum(d["phase"] == "define" for d in all_deals)
    assert document["summary"]["deals_filtered_out"] > 0


def test_owner_filter_takes_a_name(crm: Crm) -> None:
    _, everything = crm.audit()
    all_deals = json.loads(everything)["deals"]
    owner = next(d for d in all_deals if d["owner_name"] != d["owner_id"])
    _, text = crm.audit(owner=owner["owner_name"].upper())
    deals = json.loads(text)["deals"]
    assert deals and {d["owner_id"] for d in deals} == {owner["owner_id"]}
    assert len(deals) == sum(d["owner_id"] == owner["owner_id"] for d in all_deals)


def test_pipeline_filter(crm: Crm) -> None:
    _, everything = crm.audit()
    all_deals = json.loads(everything)["deals"]
    pipeline = next((d["pipeline"] for d in all_deals if d["pipeline"] is not None), None)
    if pipeline is None:  # Salesforce orgs without record types: stages are org-wide
        with pytest.raises(ConfigError, match="it has no pipelines"):
            crm.audit(pipeline="no-such-pipeline")
        return
    _, text = crm.audit(pipeline=pipeline)
    deals = json.loads(text)["deals"]
    assert {d["pipeline"] for d in deals} == {pipeline}
    assert len(deals) == sum(d["pipeline"] == pipeline for d in all_deals)


def test_strict_turns_failing_gates_into_exit_1(crm: Crm) -> None:
    assert crm.audit(strict=False)[0] == 0
    code, text = crm.audit(strict=True)
    assert json.loads(text)["summary"]["failing_deals"] > 0
    assert code == 1
    assert crm.app.writes() == []


def test_a_refused_token_propagates_as_a_crm_error(crm: Crm) -> None:
    if crm.settings.crm == "hubspot":
        settings = crm.settings.model_copy(
            update={
                "hubspot": crm.settings.hubspot.model_copy(
                    update={"access_token": SecretStr("wrong")}
                )
            }
        )
    else:
        auth = crm.settings.salesforce.auth.model_copy(update={"session_id": SecretStr("wrong")})
        settings = crm.settings.model_copy(
            update={"salesforce": crm.settings.salesforce.model_copy(update={"auth": auth})}
        )
    with pytest.raises(AuthError):
        run_audit(
            settings,
            crm.connect(settings),
            pipeline=None,
            phase=None,
            owner=None,
            fmt="json",
            output=None,
            strict=False,
            progress=False,
            out=io.StringIO(),
        )
