"""`check-config` against the CRM's stages: what the mapping names that the CRM lacks, and what
the CRM has that no mapping names (docs/design.md section 5, "Stages").

A mapped pipeline or stage the CRM does not have is a problem (a typo such as
`renewal_identifed` would otherwise leave deals unmapped without a word), named with the closest
value the CRM has. A CRM stage no mapping names is a note: its deals are skipped until a mapping
names it. Pure: the stages come in as data.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from connector.base import StageInfo
from mappings.model import ANY_PIPELINE
from sync.evaluate import unmapped_stage_text


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(set(known)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def compare_stages(
    pipelines: Mapping[str, Mapping[str, object]], stages: Iterable[StageInfo]
) -> tuple[list[str], list[str]]:
    """(problems, notes): the mapping's pipelines and stages against the CRM's stages."""
    crm: dict[str | None, set[str]] = {}
    for info in stages:
        crm.setdefault(info.pipeline, set()).add(info.stage)
    every_stage = {stage for names in crm.values() for stage in names}
    crm_pipelines = {p for p in crm if p is not None}
    problems: list[str] = []
    for pipeline, stage_map in pipelines.items():
        if pipeline == ANY_PIPELINE:
            known = every_stage
            where = ""
        elif pipeline not in crm:
            problems.append(
                f"mapping: pipeline {pipeline!r} is not in the CRM"
                + _did_you_mean(pipeline, crm_pipelines)
            )
            continue
        else:
            known = crm[pipeline]
            where = f"pipeline {pipeline!r}, "
        for stage in stage_map:
            if stage not in known:
                problems.append(
                    f"mapping: {where}stage {stage!r} is not in the CRM"
                    + _did_you_mean(stage, known)
                )
    any_map = pipelines.get(ANY_PIPELINE, {})
    notes = [
        unmapped_stage_text(pipeline, stage)
        for pipeline, names in sorted(crm.items(), key=lambda item: item[0] or "")
        for stage in sorted(names)
        if stage not in any_map and stage not in pipelines.get(pipeline or "", {})
    ]
    return problems, notes
