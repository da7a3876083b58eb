"""`run_audit` over an in-memory connector: filters, exit codes, output files, read-only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from connector.base import Owner
from connector.errors import AuthError
from sync.audit import owner_ids, parse_phase, run_audit
from sync.config import ConfigError, Settings

from .memory import NOW, OWNERS, MemoryConnector, deal


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        crm="hubspot",
        hubspot={"access_token": "token"},  # type: ignore[arg-type]
        state=f"sqlite:///{tmp_path / 'state.db'}",
        base_dir=tmp_path,
        **extra,
    )


DEALS = [
    deal("1", "qualifiedtobuy", owner="101"),
    deal("2", "presentationscheduled", owner="102", evidence=True),
    deal("3", "contractsent", owner="101", evidence=True),
    deal("4", "closedlost", owner="101"),
    deal("5", "mystery", owner="101"),
    deal("6", "new", pipeline="other", owner="102"),
]


def audit(tmp_path: Path, deals: list[Any] = DEALS, **options: Any) -> tuple[int, str]:
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
    connector = MemoryConnector(list(deals))
    code = run_audit(settings(tmp_path), connector, now=NOW, out=out, **values)
    return code, out.getvalue()


def ids(text: str) -> list[str]:
    return [d["id"] for d in json.loads(text)["deals"]]


def test_audits_every_deal_in_a_phase_and_counts_the_rest(tmp_path: Path) -> None:
    code, text = audit(tmp_path)
    document = json.loads(text)
    assert code == 0
    assert ids(text) == ["1", "2", "3"]
    summary = document["summary"]
    assert (summary["deals_read"], summary["deals_without_phase"]) == (6, 1)
    assert summary["unmapped_stages"] == [
        {"pipeline": "default", "stage": "mystery", "deals": 1},
        {"pipeline": "other", "stage": "new", "deals": 1},
    ]
    assert summary["error_count"] == 0


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("phase", "define", ["2"]),
        ("phase", "DECISION", ["3"]),
        ("owner", "102", ["2"]),
        ("owner", "aiko tanaka", ["1", "3"]),
        ("owner", "BEN@example.com", ["2"]),
        ("pipeline", "default", ["1", "2", "3"]),
        ("pipeline", "other", []),
    ],
    ids=[
        "phase",
        "phase-any-case",
        "owner-id",
        "owner-name",
        "owner-email",
        "pipeline",
        "pipeline-other",
    ],
)
def test_filters(tmp_path: Path, option: str, value: str, expected: list[str]) -> None:
    _, text = audit(tmp_path, **{option: value})
    document = json.loads(text)
    assert ids(text) == expected
    assert document["filters"][option] == (value.lower() if option == "phase" else value)


def test_an_unknown_phase_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="one of discovery, define, decision"):
        audit(tmp_path, phase="closing")


def test_strict_exits_1_only_when_a_gate_fails(tmp_path: Path) -> None:
    assert audit(tmp_path, strict=True)[0] == 1
    assert audit(tmp_path, strict=False)[0] == 0
    # a closed-lost deal alone fails no gate
    assert audit(tmp_path, [deal("4", "closedlost")], strict=True)[0] == 0
    # the filter decides what strict looks at
    assert audit(tmp_path, strict=True, pipeline="other")[0] == 0


def test_reads_once_writes_nothing_and_stores_no_state(tmp_path: Path) -> None:
    connector = MemoryConnector(list(DEALS))
    out = io.StringIO()
    run_audit(
        settings(tmp_path),
        connector,
        pipeline=None,
        phase=None,
        owner=None,
        fmt="table",
        output=None,
        strict=False,
        progress=True,  # stderr is not a TTY under pytest: no bar, no crash
        now=NOW,
        out=out,
    )
    assert connector.calls.count("read_all") == 1
    assert sorted(set(connector.calls)) == ["existing_fields", "owners", "read_all", "stages"]
    assert list(tmp_path.iterdir()) == []
    assert "Deal 1" in out.getvalue()


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_writes_the_report_to_a_file_and_nothing_to_out(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "reports" / f"audit.{fmt}"
    target.parent.mkdir()
    code, text = audit(tmp_path, fmt=fmt, output=target)
    assert code == 0 and text == ""
    content = target.read_bytes()
    marker = {"table": "Deal 1", "json": '"id": "1"', "csv": "Deal 1", "html": "Aiko Tanaka"}
    assert marker[fmt].encode("utf-8") in content
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" in content and b"\r\r\n" not in content


def test_a_failed_read_leaves_the_previous_report_in_place(tmp_path: Path) -> None:
    target = tmp_path / "audit.json"
    target.write_text("previous", encoding="utf-8")

    class Broken(MemoryConnector):
        def read_all(self, spec: Any) -> Any:
            raise AuthError("token expired", status=401)

    with pytest.raises(AuthError):
        run_audit(
            settings(tmp_path),
            Broken([]),
            pipeline=None,
            phase=None,
            owner=None,
            fmt="json",
            output=target,
            strict=False,
            progress=False,
            now=NOW,
        )
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.json"]


def test_asks_only_for_fields_the_crm_has_and_reports_the_missing(tmp_path: Path) -> None:
    connector = MemoryConnector([deal("1", evidence=True)])
    connector.fields.discard("dealgate_budget_status")
    out = io.StringIO()
    run_audit(
        settings(tmp_path),
        connector,
        pipeline=None,
        phase=None,
        owner=None,
        fmt="json",
        output=None,
        strict=False,
        progress=False,
        now=NOW,
        out=out,
    )
    assert "dealgate_budget_status" not in connector.specs[0].deal_fields
    document = json.loads(out.getvalue())
    assert any("dealgate_budget_status" in line for line in document["summary"]["missing_fields"])
    [budget] = [g for g in document["deals"][0]["gates"] if g["id"] == "budget_confirmed"]
    assert budget["outcome"] == "not_evaluated"


def test_owner_query_matches_id_name_or_email() -> None:
    assert owner_ids(None, OWNERS) is None
    assert owner_ids(" Aiko Tanaka ", OWNERS) == {"101"}
    assert parse_phase(None) is None


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("owner", "nobody", "--owner: no owner 'nobody' in the CRM (owners: Aiko Tanaka (101), "
                            "Ben Ortiz (102))"),
        ("pipeline", "nopipe", "--pipeline: no pipeline 'nopipe' in the CRM (pipelines: default, "
                               "other)"),
        ("phase", "closing", "--phase: unknown phase 'closing' (one of discovery, define, "
                             "decision, delivery, maintenance)"),
    ],
)  # fmt: skip
def test_a_filter_naming_nothing_in_the_crm_is_refused_with_the_known_values(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        audit(tmp_path, strict=True, **{option: value})
    assert raised.value.problems == [message]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_stderr_never_into_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = _Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    code, text = audit(tmp_path, progress=True)
    assert code == 0
    assert ids(text) == ["1", "2", "3"]  # the JSON on stdout is intact
    assert "auditing deals" in stderr.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    audit(tmp_path, progress=False)
    assert "auditing deals" not in quiet.getvalue()


def test_an_output_folder_that_does_not_exist_is_refused_before_reading(tmp_path: Path) -> None:
    connector = MemoryConnector(list(DEALS))
    with pytest.raises(ConfigError, match="--output: cannot write"):
        run_audit(
            settings(tmp_path),
            connector,
            pipeline=None,
            phase=None,
            owner=None,
            fmt="json",
            output=tmp_path / "missing" / "audit.json",
            strict=False,
            progress=False,
            now=NOW,
        )
    assert "read_all" not in connector.calls


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_an_inactive_owner_is_marked_and_their_failing_deals_get_no_owner(
    tmp_path: Path, fmt: str
) -> None:
    connector = MemoryConnector([deal("1", owner="103"), deal("2", owner="101")])
    connector.people["103"] = Owner("103", "Carla Diaz", "carla@example.com", False)
    out = io.StringIO()
    run_audit(settings(tmp_path), connector, pipeline=None, phase=None, owner=None, fmt=fmt,  # type: ignore[arg-type]
              output=None, strict=False, progress=False, now=NOW, out=out)  # fmt: skip
    text = out.getvalue()
    if fmt == "json":
        findings = {d["id"]: [f["code"] for f in d["findings"]] for d in json.loads(text)["deals"]}
        assert "no_owner" in findings["1"] and "no_owner" not in findings["2"]
    else:
        assert (
            'Carla Diaz</span><br><span class="inactive">inactive: no task reaches anyone' in text
        )


def test_an_inactive_owner_with_a_fallback_names_where_the_tasks_go(tmp_path: Path) -> None:
    connector = MemoryConnector([deal("1", owner="103")])
    connector.people["103"] = Owner("103", "Carla Diaz", "carla@example.com", False)
    out = io.StringIO()
    run_audit(settings(tmp_path, tasks={"fallback_owner": "102"}), connector, pipeline=None,
              phase=None, owner=None, fmt="html", output=None, strict=False, progress=False,
              now=NOW, out=out)  # fmt: skip
    assert "inactive: tasks go to the fallback owner Ben Ortiz" in out.getvalue()
    assert "no_owner" not in out.getvalue()


class _ClosedAfter(io.StringIO):
    """A stdout whose reader goes away after `lines` writes (`audit | head -2`)."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.left = lines

    def write(self, text: str) -> int:
        if self.left <= 0:
            raise BrokenPipeError(32, "Broken pipe")
        self.left -= 1
        return super().write(text)


def test_a_reader_that_goes_away_is_not_reported_as_findings(tmp_path: Path) -> None:
    connector = MemoryConnector(list(DEALS))
    out = _ClosedAfter(2)
    code = run_audit(settings(tmp_path), connector, pipeline=None, phase=None, owner=None,
                     fmt="csv", output=None, strict=True, progress=False, now=NOW,
                     out=out)  # fmt: skip
    assert code == 141  # as a shell reports a closed pipe; 1 would mean failing gates


def test_the_csv_speaks_one_language(tmp_path: Path) -> None:
    connector = MemoryConnector([deal("1", "qualifiedtobuy", owner="101")])
    out = io.StringIO()
    run_audit(settings(tmp_path, language="ja"), connector, pipeline=None, phase=None,
              owner=None, fmt="csv", output=None, strict=False, progress=False, now=NOW,
              out=out)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    budget = next(r for r in rows if r["ゲートID"] == "budget_confirmed")
    assert budget["ゲート"] == "予算を確保していること、および予算内容を確認"
    assert budget["フェーズ"] == "発見"
    assert not any(c.isascii() and c.isalpha() for c in budget["理由"].replace("budget_status", ""))


def test_tasks_language_alone_changes_the_tasks_not_the_reports(tmp_path: Path) -> None:
    connector = MemoryConnector([deal("1", "qualifiedtobuy", owner="101")])
    out = io.StringIO()
    run_audit(settings(tmp_path, tasks={"language": "ja"}), connector, pipeline=None, phase=None,
              owner=None, fmt="csv", output=None, strict=False, progress=False, now=NOW,
              out=out)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    budget = next(r for r in rows if r["gate_id"] == "budget_confirmed")
    assert budget["gate_title"] == "Budget secured and its content confirmed"
