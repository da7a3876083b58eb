"""Plain-data builders for mapping tests."""

from __future__ import annotations

from typing import Any

from connector.base import RawContact, RawDeal, RawTask, StageInfo

SF_STAGE_INFO: dict[tuple[str | None, str], StageInfo] = {
    (None, "Prospecting"): StageInfo(None, "Prospecting", "Prospecting", False, False, 0.1, 1),
    (None, "Closed Won"): StageInfo(None, "Closed Won", "Closed Won", True, True, 1.0, 9),
}
HS_STAGE_INFO: dict[tuple[str | None, str], StageInfo] = {
    ("default", "qualifiedtobuy"): StageInfo(
        "default", "qualifiedtobuy", "Qualified To Buy", False, False, 0.4, 1
    ),
}


def sf_deal(
    stage: str = "Prospecting",
    fields: dict[str, Any] | None = None,
    contacts: tuple[RawContact, ...] = (),
    tasks: tuple[RawTask, ...] = (),
    pipeline: str | None = None,
) -> RawDeal:
    """A Salesforce opportunity as the connector hands it over."""
    base: dict[str, Any] = {"Name": "Acme rollout", "StageName": stage}
    return RawDeal(
        id="006A",
        fields={**base, **(fields or {})},
        pipeline=pipeline,
        stage=stage,
        contacts=contacts,
        tasks=tasks,
    )


def hs_deal(
    stage: str = "qualifiedtobuy",
    fields: dict[str, Any] | None = None,
    contacts: tuple[RawContact, ...] = (),
    pipeline: str = "default",
) -> RawDeal:
    """A HubSpot deal as the connector hands it over: every property a string."""
    base: dict[str, Any] = {"dealname": "Acme rollout", "dealstage": stage, "pipeline": pipeline}
    return RawDeal(
        id="901",
        fields={**base, **(fields or {})},
        pipeline=pipeline,
        stage=stage,
        contacts=contacts,
    )
