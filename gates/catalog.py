"""The gate catalog: the ordered gates in force, per pipeline, and how it is loaded.

`load_catalog` reads the bundled catalog (gates/catalog.yaml, the 23 gates of docs/design.md section
1) and the user's gate files through one parser, refuses duplicate ids, then applies the
overrides of the configuration: first the global ones, then per pipeline. Every problem of
every file and override is collected and raised together as one `GateConfigError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from gates.loader import duplicate_problems, read_gate_file
from gates.model import Gate, GateConfigError
from gates.overrides import apply_overrides

BUILTIN_PATH = Path(__file__).with_name("catalog.yaml")
BUILTIN_LABEL = "gates/catalog.yaml"


class Catalog:
    """The gates in force, in catalog order, with per-pipeline variants.

    `gates` are the gates for deals of any pipeline without overrides of its own;
    `for_pipeline` gives the variant of a pipeline named in the pipeline overrides.
    """

    __slots__ = ("_by_id", "_pipelines", "gates", "plans")

    def __init__(
        self, gates: Sequence[Gate], pipelines: Mapping[str, Sequence[Gate]] | None = None
    ) -> None:
        self.gates: tuple[Gate, ...] = tuple(gates)
        self._by_id = {gate.id: gate for gate in self.gates}
        self._pipelines = {name: tuple(g) for name, g in (pipelines or {}).items()}
        # Compiled evaluation plans per pipeline key, filled lazily by gates.evaluate.
        self.plans: dict[str | None, Any] = {}

    def get(self, gate_id: str) -> Gate:
        """The gate with this id (KeyError if there is none)."""
        try:
            return self._by_id[gate_id]
        except KeyError:
            raise KeyError(f"no gate {gate_id!r} in the catalog") from None

    def pipeline_key(self, pipeline: str | None) -> str | None:
        """The pipeline whose variant applies (None: the default gates)."""
        return pipeline if pipeline is not None and pipeline in self._pipelines else None

    def for_pipeline(self, pipeline: str | None) -> tuple[Gate, ...]:
        """The gates for deals of `pipeline` (the default gates when it has no overrides)."""
        key = self.pipeline_key(pipeline)
        return self.gates if key is None else self._pipelines[key]

    @property
    def pipelines(self) -> tuple[str, ...]:
        """Pipelines with overrides of their own."""
        return tuple(self._pipelines)

    def __iter__(self) -> Iterator[Gate]:
        return iter(self.gates)

    def __len__(self) -> int:
        return len(self.gates)

    def __contains__(self, gate_id: object) -> bool:
        return gate_id in self._by_id


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[Gate, ...], tuple[str, ...]]:
    gates, problems = read_gate_file(BUILTIN_PATH, BUILTIN_LABEL)
    return tuple(gates), tuple(problems)


def load_catalog(
    files: Sequence[Path] = (),
    *,
    builtin: bool = True,
    overrides: Mapping[str, Any] | None = None,
    pipeline_overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Catalog:
    """Load the catalog: built-in gates, then `files`, then overrides (global, per pipeline).

    Override values have `.enabled` (bool or None) and `.params` (a mapping), as
    `sync.config.GateOverride`, or are dicts with those keys. Raises `GateConfigError` listing
    every problem, `file:line: message` (overrides: `gates.overrides.<id>...: message`).
    """
    gates: list[Gate] = []
    problems: list[str] = []
    if builtin:
        builtin_gates, builtin_problems = _builtin()
        gates.extend(builtin_gates)
        problems.extend(builtin_problems)
    for file in files:
        file_gates, file_problems = read_gate_file(Path(file))
        gates.extend(file_gates)
        problems.extend(file_problems)
    problems.extend(duplicate_problems(gates))
    if problems:
        raise GateConfigError(problems)

    base = apply_overrides(tuple(gates), overrides or {}, "gates.overrides", problems)
    per_pipeline = {
        name: apply_overrides(base, values, f"gates.pipelines.{name}", problems)
        for name, values in (pipeline_overrides or {}).items()
    }
    if problems:
        raise GateConfigError(problems)
    return Catalog(base, per_pipeline)


def gate_rows(catalog: Catalog, lang: str = "en") -> list[tuple[str, str, str, bool]]:
    """Rows for `dealgate gates list`: (id, phase, title, enabled), in catalog order."""
    return [(g.id, g.phase.value, g.title.get(lang), g.enabled) for g in catalog.gates]
