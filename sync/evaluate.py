"""From raw deals to evaluated deals, one at a time: the shared front half of a run and an audit.

`evaluate_stream` never holds more than one deal. A deal whose stage no mapping names is counted
(and warned about once per (pipeline, stage) per run) and skipped; a deal whose data cannot be
normalized or evaluated is logged, recorded in `run.errors` and skipped. Only the deal source
itself (a CRM error while reading) raises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from connector.base import RawDeal, StageInfo
from gates import Catalog, evaluate_deal
from gates.results import DealEvaluation
from gates.snapshot import DealSnapshot
from mappings import CrmMapping, UnmappedStage
from sync.collector import streaming
from sync.i18n import text
from sync.logs import get_logger

log = get_logger("dealgate.evaluate")


def unmapped_stage_text(
    pipeline: str | None, stage: str, deals: int | None = None, language: str = "en"
) -> str:
    """The one wording of a stage no mapping names, everywhere dealgate says it (run log and
    summary, demo, audit reports, check-config); with `deals`, how many were skipped. Logs say
    it in English; people read it in `language` (sync.i18n `run.unmapped_stage`)."""
    return text(language, "run.unmapped_stage", pipeline=pipeline, stage=stage, deals=deals)


MAX_KEPT_MESSAGES = 1000  # warnings and errors kept for the run summary; every one is logged


class Evaluated(NamedTuple):
    """A deal in dealgate's terms; `evaluation` is None when the deal is in no phase."""

    snapshot: DealSnapshot
    evaluation: DealEvaluation | None


@dataclass
class EvaluationRun:
    """What a pass over the deals saw besides the deals themselves."""

    unmapped_stages: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    deals_read: int = 0
    deals_evaluated: int = 0
    deals_failed: int = 0  # bad data: could not be normalized or evaluated (see `errors`)

    @property
    def deals_skipped(self) -> int:
        """Deals read but not evaluated: unmapped stage, bad data, or in no phase."""
        return self.deals_read - self.deals_evaluated

    def _keep(self, bucket: list[str], message: str) -> None:
        if len(bucket) < MAX_KEPT_MESSAGES and message not in bucket:
            bucket.append(message)


def evaluate_stream(
    deals: Iterable[RawDeal],
    mapping: CrmMapping,
    catalog: Catalog,
    stages: Mapping[tuple[str | None, str], StageInfo],
    existing: set[str] | None,
    now: datetime,
    run: EvaluationRun,
    *,
    on_unmapped: Callable[[RawDeal, UnmappedStage], None] | None = None,
) -> Iterator[Evaluated]:
    """Normalize and evaluate each deal as it comes; skip (and count) what cannot be evaluated.

    `on_unmapped` sees each deal skipped for its stage (the engine completes its open tasks).
    The garbage collector runs in fewer, larger passes meanwhile (`sync.collector`).
    """
    with streaming():
        for raw in deals:
            run.deals_read += 1
            try:
                normalized = mapping.normalize(raw, stages, existing)
            except Exception as exc:  # one bad record must not stop the run
                _bad_deal(run, raw.id, "normalize", exc)
                continue
            if isinstance(normalized, UnmappedStage):
                key = (normalized.pipeline, normalized.stage)
                if key not in run.unmapped_stages:
                    message = unmapped_stage_text(*key)
                    log.warning("unmapped_stage", pipeline=key[0], stage=key[1], message=message)
                    run._keep(run.warnings, message)
                run.unmapped_stages[key] += 1
                if on_unmapped is not None:
                    on_unmapped(raw, normalized)
                continue
            for warning in normalized.warnings:
                log.info("deal_warning", deal_id=raw.id, warning=warning)
                run._keep(run.warnings, warning)
            try:
                evaluation = evaluate_deal(
                    normalized.snapshot,
                    now,
                    catalog,
                    maintenance_after_days=mapping.maintenance_after_days,
                )
            except Exception as exc:  # a gate that trips over odd data skips this deal only
                _bad_deal(run, raw.id, "evaluate", exc)
                continue
            if evaluation is not None:
                run.deals_evaluated += 1
            yield Evaluated(normalized.snapshot, evaluation)


def _bad_deal(run: EvaluationRun, deal_id: str, step: str, exc: Exception) -> None:
    message = f"deal {deal_id}: cannot {step}: {type(exc).__name__}: {exc}"
    run.deals_failed += 1
    log.error("deal_skipped", deal_id=deal_id, step=step, error=f"{type(exc).__name__}: {exc}")
    if len(run.errors) < MAX_KEPT_MESSAGES:
        run.errors.append(message)
