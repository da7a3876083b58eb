"""Every `dealgate` command in the README's shell blocks parses; tests/cli/test_commands.py
runs each of them against the sandbox."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup

from cli import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8") + (ROOT / "README.ja.md").read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("dealgate "):
                commands.append(line)
    return commands


COMMANDS = _readme_commands()


def test_the_readme_shows_the_operator_commands() -> None:
    assert any(c.startswith("dealgate init") for c in COMMANDS)
    assert any(c.startswith("dealgate run") for c in COMMANDS)


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command_parses(line: str) -> None:
    command = typer.main.get_command(app)
    args = shlex.split(line)[1:]
    while isinstance(command, TyperGroup):
        name, args = args[0], args[1:]
        context = command.make_context("dealgate", [name], resilient_parsing=True)
        sub = command.get_command(context, name)
        assert sub is not None, f"no such command: {name} in {line!r}"
        command = sub
    command.make_context(command.name or "", list(args))  # raises on an unknown option


def test_the_readme_mapping_example_is_a_valid_mapping() -> None:
    from mappings import parse_mapping

    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    mappings = [b for b in blocks if "extends: builtin" in b]
    assert mappings
    for block in mappings:
        body = "\n".join(
            line[3:] if line.startswith("   ") else line for line in block.splitlines()
        )
        mapping = parse_mapping(body, "README.md")
        assert mapping.field_for("budget_status") is not None
