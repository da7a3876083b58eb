"""Whatever JSON a CRM answers, every connector read and write either works or raises dealgate's
own `CRMError`: never an AttributeError, KeyError or TypeError from deep inside the connector.

Each example serves a short sequence of random JSON answers (shaped like the CRMs' answers often
enough to get past the first request), then an empty one: HubSpot through a fake at the urllib3
boundary (the generated client's pool manager), Salesforce through `responses`. Example counts are
modest and derandomized (tests/conftest.py), deadlines off: the suite stays fast and repeatable.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from typing import Any

import pytest
import responses
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from connector.base import ReadSpec, TaskComplete, TaskCreate
from connector.errors import CRMError
from connector.hubspot import HubSpotConnector
from connector.retry import RetryPolicy
from connector.salesforce import SalesforceConnector
from connector.salesforce import cursor as sf_cursor
from connector.settings import HubSpotSettings, SalesforceAuth, SalesforceSettings

SPEC = ReadSpec(
    deal_fields=("Name", "dealname", "amount"),
    contact_fields=("LastActivityDate",),
    role_fields=("Role",),
    closed_task_days=14,
)
CREATE = TaskCreate("006A", "budget_confirmed", "005A", "Budget", "why", date(2026, 12, 1))
COMPLETE = TaskComplete("00TA", "006A", "budget_confirmed")
NOW = datetime(2026, 11, 27, tzinfo=UTC)

# Keys of the CRMs' answers, so that random objects often look like the real thing.
KEYS = [
    "results", "records", "id", "Id", "properties", "paging", "next", "after", "done",
    "nextRecordsUrl", "totalSize", "from", "to", "toObjectId", "associationTypes", "label",
    "fields", "name", "sobjects", "success", "errors", "stages", "metadata", "attributes",
    "archivedAt", "hs_lastmodifieddate", "SystemModstamp", "OpportunityContactRoles", "Tasks",
    "WhatId", "Description", "hs_task_body", "status", "message", "queryable", "typeId",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-11-27T09:00:00Z", "1700000000000", "006A", "dealgate:x"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=16,
)
answers = st.lists(json_values, min_size=1, max_size=4)
PROPERTY = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _sequence(bodies: list[Any], last: Any) -> Callable[[], bytes]:
    queue: Iterator[Any] = iter(bodies)

    def next_body() -> bytes:
        return json.dumps(next(queue, last)).encode()

    return next_body


# -- HubSpot: a fake at the urllib3 boundary ---------------------------------------------------


@contextmanager
def hubspot_answers(bodies: list[Any]) -> Iterator[None]:
    next_body = _sequence(bodies, {})
    original = urllib3.PoolManager.urlopen

    def urlopen(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return urllib3.HTTPResponse(
            body=io.BytesIO(next_body()),
            status=200,
            headers={"Content-Type": "application/json"},
            preload_content=False,
        )

    urllib3.PoolManager.urlopen = urlopen  # type: ignore[method-assign]
    try:
        yield
    finally:
        urllib3.PoolManager.urlopen = original  # type: ignore[method-assign]


def _hubspot() -> HubSpotConnector:
    settings_ = HubSpotSettings(
        access_token=SecretStr("pat-test"),
        base_url="http://hubspot.invalid",
        requests_per_10s=1_000_000,
        searches_per_second=1_000_000.0,
    )
    return HubSpotConnector(
        settings_, sleep=lambda _: None, now=lambda: NOW, policy=RetryPolicy(attempts=1)
    )


HUBSPOT_OPS: dict[str, Callable[[HubSpotConnector], object]] = {
    "check": lambda c: c.check(),
    "existing_fields": lambda c: c.existing_fields(),
    "stages": lambda c: c.stages(),
    "owners": lambda c: c.owners(),
    "read_all": lambda c: list(c.read_all(SPEC)),
    "read_changed": lambda c: list(c.read_changed(SPEC, {"archived": "0"})),
    "find_marker_tasks": lambda c: c.find_marker_tasks(["1", "2"]),
    "write": lambda c: c.write([CREATE], [COMPLETE]),
    "install_schema": lambda c: c.install_schema(dry_run=True),
}


@pytest.mark.parametrize("operation", list(HUBSPOT_OPS), ids=list(HUBSPOT_OPS))
@PROPERTY
@given(bodies=answers)
def test_hubspot_operations_work_or_raise_a_crm_error(operation: str, bodies: list[Any]) -> None:
    connector = _hubspot()
    with hubspot_answers(bodies), suppress(CRMError):  # the one kind of failure allowed
        HUBSPOT_OPS[operation](connector)


# -- Salesforce: responses ---------------------------------------------------------------------

INSTANCE = "https://acme.my.salesforce.com"
EMPTY_PAGE = {"totalSize": 0, "done": True, "records": []}


def _salesforce() -> SalesforceConnector:
    settings_ = SalesforceSettings(
        instance_url=INSTANCE, auth=SalesforceAuth(method="session", session_id=SecretStr("s"))
    )
    return SalesforceConnector(
        settings_, sleep=lambda _: None, policy=RetryPolicy(attempts=1), now=lambda: NOW
    )


SF_CURSOR = sf_cursor.encode({name: sf_cursor.Watermark(NOW) for name in sf_cursor.OBJECTS})
SALESFORCE_OPS: dict[str, Callable[[SalesforceConnector], object]] = {
    "check": lambda c: c.check(),
    "existing_fields": lambda c: c.existing_fields(),
    "stages": lambda c: c.stages(),
    "owners": lambda c: c.owners(),
    "read_all": lambda c: list(c.read_all(SPEC)),
    "read_changed_first": lambda c: list(c.read_changed(SPEC, {})),
    "read_changed": lambda c: list(c.read_changed(SPEC, SF_CURSOR)),
    "find_marker_tasks": lambda c: c.find_marker_tasks(["006A", "006B"]),
    "write": lambda c: c.write([CREATE], [COMPLETE]),
}


@pytest.mark.parametrize("operation", list(SALESFORCE_OPS), ids=list(SALESFORCE_OPS))
@PROPERTY
@given(bodies=answers)
def test_salesforce_operations_work_or_raise_a_crm_error(operation: str, bodies: list[Any]) -> None:
    next_body = _sequence(bodies, EMPTY_PAGE)
    connector = _salesforce()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "PATCH"):
            mock.add_callback(
                method,
                re.compile(re.escape(INSTANCE) + ".*"),
                callback=lambda _request: (200, {}, next_body()),
                content_type="application/json",
            )
        with suppress(CRMError):  # the one kind of failure allowed
            SALESFORCE_OPS[operation](connector)
