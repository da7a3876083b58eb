"""The one error a mapping file can raise."""

from __future__ import annotations


class MappingError(Exception):
    """A mapping that cannot be used; `problems` holds one `file:line: message` line each,
    every problem of the file at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
