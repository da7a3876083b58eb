"""The JSON audit report: one document, streamed; its schema is docs/audit-json.md.

The document opens with the run's facts, then `deals` (written one by one as they are
evaluated, one deal per line), then `summary` (written at the end). Readers can load it whole
(`json.load`, `jq`) while the writer keeps no deal in memory.

Keys and codes never change with the language; the texts for people (gate titles, reasons,
finding messages) are in the report's language (`language` in the header).

Bump `SCHEMA_VERSION` on any change that removes, renames or retypes a key; adding a key is
backwards compatible and keeps the version.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, TextIO

from gates.results import GateResult, Outcome
from gates.snapshot import Phase
from sync.i18n import Words
from sync.reports.model import AuditRow, ReportContext
from sync.reports.summary import AuditSummary, Forecast, GateStats

SCHEMA_VERSION = 1
ERRORS_LISTED = 100  # the first run errors in full; `error_count` has them all


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _sum(value: float) -> float:
    return round(value, 2)


# One encoder for the report. json.dumps with options builds a new encoder on every call, and so
# does JSONEncoder.encode underneath (its C encoder): a report encodes a few objects per deal, so
# it builds CPython's C encoder once, with the options `_ENCODER` has (no circular check: every
# value is a fresh tree of dicts and lists). Where the C encoder is missing, `_ENCODER` does it.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODER: Any = (
    None
    if _C_MAKE_ENCODER is None
    else _C_MAKE_ENCODER(
        None,  # markers: no circular check
        _ENCODER.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )
)


def _dump(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, allow_nan=False)`."""
    if _C_ENCODER is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def deal_object(row: AuditRow, words: Words | None = None) -> dict[str, Any]:
    """One deal as the `deals` array holds it, its texts in the language of `words` (English)."""
    language = "en" if words is None else words.language
    return {
        **_deal_head(row),
        "gates": [_gate_object(r, language) for r in row.evaluation.results],
        "findings": _findings(row, words),
    }


def _deal_head(row: AuditRow) -> dict[str, Any]:
    """The deal's keys before `gates` and `findings`, in the document's order."""
    snapshot, evaluation = row.snapshot, row.evaluation
    return {
        "id": snapshot.id,
        "name": snapshot.name,
        "pipeline": snapshot.pipeline,
        "stage": snapshot.stage,
        "stage_label": snapshot.stage_label or snapshot.stage,
        "phase": evaluation.phase.value,
        "owner_id": snapshot.owner_id,
        "owner_name": row.owner_name,
        "amount": snapshot.amount,
        "currency": snapshot.currency,
        "close_date": snapshot.close_date.isoformat() if snapshot.close_date else None,
        "crm_probability": _share(snapshot.stage_probability),
        "evidence_score": _share(evaluation.evidence_score),
        "evidence_probability": _share(evaluation.evidence_probability),
        "rank": evaluation.rank,
        "gates_evaluated": evaluation.evaluated,
        "stage_ahead_of_evidence": row.stage_ahead,
        "failing_gates": [r.gate_id for r in row.failing],
    }


class _Texts(dict[str | None, str]):
    """The JSON text of strings that repeat from deal to deal (stages, owners, currencies, gate
    ids, phases, ranks), each encoded once; bounded (emptied when full)."""

    LIMIT = 4096

    def __missing__(self, value: str | None) -> str:
        text = "null" if value is None else encode_basestring(value)
        if len(self) >= self.LIMIT:
            self.clear()
        self[value] = text
        return text


def _number(value: float | None) -> str:
    """The JSON text of a number, as `_dump` writes it (a NaN or an infinity is an error)."""
    if value is None:
        return "null"
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return repr(value)


def _share_text(value: float | None) -> str:
    """`_number(_share(value))`, in one call."""
    return "null" if value is None else _number(round(value, 4))


_GATE_ID = attrgetter("gate_id")


def _head_text(row: AuditRow, texts: _Texts) -> str:
    """`_dump(_deal_head(row))` without its closing brace, written directly: the values that
    repeat from deal to deal come from `texts`, and no dict is built."""
    snapshot, evaluation = row.snapshot, row.evaluation
    name, close = snapshot.name, snapshot.close_date
    close_text = "null" if close is None else f'"{close.isoformat()}"'
    failing = ", ".join(map(texts.__getitem__, map(_GATE_ID, evaluation.failing)))
    return (
        f'{{"id": {encode_basestring(snapshot.id)}, '
        f'"name": {"null" if name is None else encode_basestring(name)}, '
        f'"pipeline": {texts[snapshot.pipeline]}, "stage": {texts[snapshot.stage]}, '
        f'"stage_label": {texts[snapshot.stage_label or snapshot.stage]}, '
        f'"phase": {texts[evaluation.phase]}, "owner_id": {texts[snapshot.owner_id]}, '
        f'"owner_name": {texts[row.owner_name]}, "amount": {_number(snapshot.amount)}, '
        f'"currency": {texts[snapshot.currency]}, '
        f'"close_date": {close_text}, '
        f'"crm_probability": {_share_text(snapshot.stage_probability)}, '
        f'"evidence_score": {_share_text(evaluation.evidence_score)}, '
        f'"evidence_probability": {_share_text(evaluation.evidence_probability)}, '
        f'"rank": {texts[evaluation.rank]}, "gates_evaluated": {_number(evaluation.evaluated)}, '
        f'"stage_ahead_of_evidence": {"true" if row.stage_ahead else "false"}, '
        f'"failing_gates": [{failing}]'
    )


def _gate_object(result: GateResult, language: str) -> dict[str, Any]:
    # Phase and Outcome are StrEnums: json writes them as their string values (and `.value` on
    # an enum costs a Python call per gate).
    return {
        "id": result.gate_id,
        "phase": result.phase,
        "outcome": result.outcome,
        "skipped_phase": result.skipped_phase,
        "reasons": list(result.reasons_in(language)),
    }


def _findings_text(row: AuditRow, words: Words | None, texts: _Texts) -> str:
    """`_dump(_findings(row, words))`, written directly."""
    parts = [
        f'{{"code": {texts[f.code]}, "message": '
        f"{encode_basestring(f.message if words is None else words.finding(f))}}}"
        for f in row.evaluation.findings
    ]
    return f"[{', '.join(parts)}]"


def _findings(row: AuditRow, words: Words | None) -> list[dict[str, Any]]:
    return [
        {"code": f.code, "message": f.message if words is None else words.finding(f)}
        for f in row.evaluation.findings
    ]


class _GateTexts:
    """Each shared gate result's JSON text, encoded once per report.

    Evaluation shares one `GateResult` object per gate and reason set (gates/evaluate.py), so an
    audit holds a few thousand distinct results while every deal lists all its gates: encoding
    each object once and joining the texts costs a fraction of encoding every gate of every deal.
    A result whose reasons are the deal's own (a name, a date) is built for that deal alone: it is
    encoded for its deal and forgotten. A result is kept once it is seen a second time, so the
    texts kept are the shared ones; a result seen once waits in `_once` (bounded, emptied when
    full). Entries are keyed by the object's identity and keep the object alive, so an id cannot
    be reused while its entry exists; both caches are bounded. One report has one language, so
    the texts do not depend on anything else.
    """

    LIMIT = 4096  # shared texts kept; emptied when full
    ONCE = 1024  # results seen once, waiting for a second sighting

    def __init__(self, language: str) -> None:
        self.language = language
        self._texts: dict[int, str] = {}
        self._kept: dict[int, GateResult] = {}  # keeps each keyed object (and so its id) alive
        self._once: dict[int, tuple[GateResult, str]] = {}

    def join(self, results: Sequence[GateResult]) -> str:
        """The JSON texts of `results`, comma-separated: in the common case, where every result
        is known, without a Python-level call per gate."""
        parts = [*map(self._texts.get, map(id, results))]
        if None in parts:  # a result not seen before, or seen once (most deals have one)
            for index, part in enumerate(parts):
                if part is None:
                    result = results[index]
                    parts[index] = self._text(id(result), result)
        return ", ".join(parts)  # type: ignore[arg-type]  # no None is left

    def _text(self, key: int, result: GateResult) -> str:
        seen = self._once.pop(key, None)
        if seen is None:
            text = _dump(_gate_object(result, self.language))
            if len(self._once) >= self.ONCE:
                self._once.clear()
            self._once[key] = (result, text)
            return text
        text = seen[1]
        if len(self._texts) >= self.LIMIT:
            self._texts.clear()
            self._kept.clear()
        self._texts[key] = text
        self._kept[key] = result
        return text


def _forecast(cell: Forecast) -> dict[str, Any]:
    return {
        "deals": cell.deals,
        "amount": _sum(cell.amount),
        "crm_weighted": _sum(cell.crm_weighted),
        "evidence_weighted": _sum(cell.evidence_weighted),
    }


def _gate(stats: GateStats, summary: AuditSummary) -> dict[str, Any]:
    return {
        "id": stats.gate_id,
        "phase": stats.phase.value,
        "title": summary.context.gate_title(stats.gate_id),
        "passed": stats.passed,
        "failed": stats.failed,
        "not_evaluated": stats.not_evaluated,
        "pass_rate": _share(stats.pass_rate()),
        "skipped_phase_failures": stats.skipped_phase_failures,
        "by_deal_phase": [
            {
                "phase": phase.value,
                "passed": stats.count(Outcome.PASSED, phase),
                "failed": stats.count(Outcome.FAILED, phase),
                "not_evaluated": stats.count(Outcome.NOT_EVALUATED, phase),
                "pass_rate": _share(stats.pass_rate(phase)),
            }
            for phase in Phase
            if phase in stats.by_deal_phase
        ],
    }


def summary_object(summary: AuditSummary) -> dict[str, Any]:
    """The `summary` object: aggregates over the deals in scope and the run's facts."""
    run = summary.run
    return {
        "deals": summary.deals,
        "failing_deals": summary.failing_deals,
        "failing_gate_results": summary.failing_results,
        "deals_without_phase": summary.without_phase,
        "deals_filtered_out": summary.filtered_out,
        "deals_read": run.deals_read,
        "deals_evaluated": run.deals_evaluated,
        "phases": [
            {
                "phase": p.phase.value,
                "deals": p.deals,
                "failing_deals": p.failing_deals,
                "stage_ahead": p.stage_ahead,
                "deals_without_amount": p.without_amount,
                "average_evidence_score": _share(p.average_evidence_score),
                "amounts": [{"currency": c, "amount": _sum(a)} for c, a in p.currencies()],
            }
            for p in summary.phase_rows()
        ],
        "gates": [_gate(g, summary) for g in summary.gate_rows()],
        "top_failing_gates": [{"id": g.gate_id, "failed": g.failed} for g in summary.top_failing()],
        "owners": [
            {
                "owner_id": o.owner_id,
                "owner_name": o.name,
                "deals": o.deals,
                "failing_deals": o.failing_deals,
                "failing_gates": o.failing_gates,
                "stage_ahead": o.stage_ahead,
                "average_evidence_score": _share(o.average_evidence_score),
                "forecast": [{"currency": c, **_forecast(f)} for c, f in o.forecasts()],
            }
            for o in summary.owner_rows()
        ],
        "forecast": {
            "by_phase": [
                {"phase": phase.value, "currency": currency, **_forecast(cell)}
                for phase, currency, cell in summary.forecast_rows()
            ],
            "totals": [{"currency": c, **_forecast(f)} for c, f in summary.forecast_totals()],
        },
        "stage_ahead": {
            "count": summary.flagged_total,
            "listed": [
                {
                    "id": d.id,
                    "name": d.name,
                    "owner_name": d.owner_name,
                    "phase": d.phase.value,
                    "stage_label": d.stage_label,
                    "amount": d.amount,
                    "currency": d.currency,
                    "evidence_score": _share(d.evidence_score),
                    "rank": d.rank,
                    "gates_evaluated": d.evaluated,
                    "skipped_gates": list(d.skipped_gates),
                }
                for d in summary.flagged
            ],
            "not_listed": summary.flagged_not_listed,
        },
        "unmapped_stages": [
            {"pipeline": pipeline, "stage": stage, "deals": count}
            for (pipeline, stage), count in sorted(
                run.unmapped_stages.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ],
        "missing_fields": [summary.context.words.missing_field(m) for m in run.missing_fields],
        "error_count": max(run.error_count, len(run.errors)),
        "errors": list(run.errors[:ERRORS_LISTED]),
    }


class JsonReport:
    """Writes the document to `out` as the audit goes: header, each deal, then the summary."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._first = True
        self._words: Words | None = None
        self._gate_texts = _GateTexts("en")
        self._texts = _Texts()

    def start(self, context: ReportContext) -> None:
        """Write the run's facts and open the `deals` array."""
        header = {
            "schema_version": SCHEMA_VERSION,
            "generated_at": context.generated_at.isoformat(),
            "crm": context.crm,
            "language": context.language,
            "filters": context.filters,
        }
        self._words = None if context.language == "en" else context.words
        self._gate_texts = _GateTexts(context.language)
        # The header object without its closing brace, so that the arrays can follow.
        self._out.write(_dump(header)[:-1] + ',\n"deals": [')

    def deal(self, row: AuditRow) -> None:
        """Write one deal, on a line of its own."""
        # The text of `_dump(deal_object(row, words))`, with each gate result encoded once.
        head = _head_text(row, self._texts)
        gates = self._gate_texts.join(row.evaluation.results)
        findings = _findings_text(row, self._words, self._texts)
        separator = "\n" if self._first else ",\n"
        self._out.write(f'{separator}{head}, "gates": [{gates}], "findings": {findings}}}')
        self._first = False

    def finish(self, summary: AuditSummary) -> None:
        """Close the `deals` array and write the summary."""
        self._out.write('\n],\n"summary": ' + _dump(summary_object(summary)) + "\n}\n")
