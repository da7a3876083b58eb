"""HubSpot JSON records -> the connector's plain records (`RawDeal`, `RawContact`, `RawTask`).

The one place where HubSpot's spellings are read: timestamps come as ISO 8601 (`...Z`) or as
epoch-millisecond digits depending on the endpoint and property; association labels come inside
`associationTypes`; a dealgate task is recognized by the marker in its HTML body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connector.base import RawContact, RawDeal, RawTask, StageInfo
from connector.hubspot import vocab
from connector.markers import find_marker

Json = Mapping[str, Any]


def parse_time(value: Any) -> datetime | None:
    """A HubSpot datetime (ISO 8601 or epoch-ms digits) as an aware UTC datetime, or None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime."""
    return int(moment.timestamp() * 1000)


def time_ms(value: Any) -> int | None:
    """Epoch milliseconds of a HubSpot datetime value, or None."""
    moment = parse_time(value)
    return None if moment is None else to_ms(moment)


def props(record: Json) -> Mapping[str, Any]:
    """A record's `properties` (empty when absent)."""
    found = record.get("properties")
    return found if isinstance(found, Mapping) else {}


def record_ms(record: Json, prop: str) -> int | None:
    """Epoch ms of a datetime property of a record (falling back to `updatedAt`)."""
    found = time_ms(props(record).get(prop))
    return found if found is not None else time_ms(record.get("updatedAt"))


@dataclass(frozen=True, slots=True)
class TaskVersion:
    """One version of a task: its modification time and the values dealgate acts on
    (`vocab.TASK_WATCHED`, in that order; empty and absent values are the same)."""

    ms: int
    values: tuple[str | None, ...]


def task_version(record: Json) -> TaskVersion | None:
    """The version of a task record (a write answer or a search result), or None without a
    readable modification time."""
    ms = record_ms(record, vocab.TASK_MODIFIED)
    if ms is None:
        return None
    found = props(record)
    return TaskVersion(ms, tuple(str(found.get(n) or "") or None for n in vocab.TASK_WATCHED))


def association_labels(link: Json) -> tuple[str, ...]:
    """Non-empty labels of one associations v4 `to` entry, in the order given."""
    labels: list[str] = []
    for kind in link.get("associationTypes") or []:
        label = kind.get("label") if isinstance(kind, Mapping) else None
        if isinstance(label, str) and label and label not in labels:
            labels.append(label)
    return tuple(labels)


def marker_task(record: Json, now: datetime, closed_task_days: int | None) -> RawTask | None:
    """A dealgate task from a task record, or None if its body has no marker or it was
    completed more than `closed_task_days` ago (`None` keeps every completed one)."""
    values = props(record)
    gate_id = find_marker(values.get(vocab.TASK_BODY))
    if gate_id is None:
        return None
    is_open = str(values.get(vocab.TASK_STATUS) or "").upper() != vocab.TASK_COMPLETED
    completed_at = parse_time(values.get(vocab.TASK_COMPLETED_AT))
    if not is_open and closed_task_days is not None:
        finished = completed_at or parse_time(values.get(vocab.TASK_MODIFIED))
        if finished is not None and now - finished > timedelta(days=closed_task_days):
            return None
    owner = values.get(vocab.TASK_OWNER)
    return RawTask(
        id=str(record["id"]),
        gate_id=gate_id,
        is_open=is_open,
        owner_id=str(owner) if owner not in (None, "") else None,
        subject=str(values.get(vocab.TASK_SUBJECT) or ""),
        created_at=parse_time(values.get(vocab.TASK_CREATED) or record.get("createdAt")),
        completed_at=completed_at if not is_open else None,
    )


def raw_deal(
    record: Json,
    contacts: Sequence[RawContact] = (),
    tasks: Sequence[RawTask] = (),
) -> RawDeal:
    """A RawDeal from a deal record (search, list or batch read) and its linked records."""
    values = props(record)
    pipeline = values.get(vocab.DEAL_PIPELINE)
    return RawDeal(
        id=str(record["id"]),
        fields=dict(values),
        pipeline=str(pipeline) if pipeline not in (None, "") else None,
        stage=str(values.get(vocab.DEAL_STAGE) or ""),
        contacts=tuple(contacts),
        tasks=tuple(tasks),
        modified_at=parse_time(values.get(vocab.DEAL_MODIFIED) or record.get("updatedAt")),
    )


def raw_contact(contact_id: str, labels: tuple[str, ...], record: Json | None) -> RawContact:
    """A RawContact: its association labels on the deal and its (requested) properties."""
    fields = {k: v for k, v in props(record or {}).items() if k != vocab.OBJECT_ID}
    return RawContact(id=contact_id, labels=labels, fields=fields)


def _flag(value: Any) -> bool:
    return str(value).strip().lower() == "true"


def stage_infos(pipelines: Iterable[Json]) -> list[StageInfo]:
    """StageInfo for every stage of every deal pipeline (probability and closed/won from
    each stage's metadata; HubSpot marks won stages by probability 1.0)."""
    stages: list[StageInfo] = []
    for pipeline in pipelines:
        pipeline_id = str(pipeline.get("id"))
        for stage in pipeline.get("stages") or []:
            metadata = stage.get("metadata") or {}
            try:
                probability: float | None = float(str(metadata.get("probability")))
            except (TypeError, ValueError):
                probability = None
            is_closed = _flag(metadata.get("isClosed"))
            stages.append(
                StageInfo(
                    pipeline=pipeline_id,
                    stage=str(stage.get("id")),
                    label=str(stage.get("label") or stage.get("id")),
                    is_closed=is_closed,
                    is_won=is_closed and probability is not None and probability >= 1.0,
                    probability=probability,
                    order=int(stage.get("displayOrder") or 0),
                )
            )
    return stages
