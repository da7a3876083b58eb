"""Run `cli.main()` in-process, as the console script does: its own error mapping included."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import cli
from sandbox.hubspot import HubSpotSandbox
from sandbox.salesforce import SalesforceSandbox
from sandbox.serve import sample_configs


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("dealgate: error")]


def run_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Outcome:
    """`dealgate ARGS` through `cli.main`; the exit code and both streams."""
    monkeypatch.setattr(sys, "argv", ["dealgate", *args])
    capsys.readouterr()
    code = 0
    try:
        cli.main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def hubspot_config(folder: Path, box: HubSpotSandbox, extra: str = "") -> Path:
    path = folder / "hubspot.yaml"
    text = sample_configs(box.url, "https://unused", "", box.token)["hubspot"]
    path.write_text(text + "state: sqlite:///state.db\n" + extra, encoding="utf-8")
    return path


def salesforce_config(folder: Path, box: SalesforceSandbox, extra: str = "") -> Path:
    path = folder / "salesforce.yaml"
    text = sample_configs("http://unused", box.url, box.ca_file, box.token)["salesforce"]
    path.write_text(text + "state: sqlite:///state.db\n" + extra, encoding="utf-8")
    return path
