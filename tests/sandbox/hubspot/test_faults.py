"""Injected faults, the real rate limiter, rate-limit headers and the request log."""

from __future__ import annotations

import time

import pytest
import requests
import urllib3
from hubspot.crm.deals import ApiException, PublicObjectSearchRequest
from hubspot.crm.objects.tasks import (
    BatchInputSimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInputForCreate,
)

import sandbox.hubspot
from connector.errors import RateLimited, TransientError
from connector.hubspot.errors import translate
from sandbox.http import Fault
from sandbox.hubspot import HubSpotSandbox
from tests.fixtures.hubspot import hs_client

RATE_LIMIT_BODY = {"status": "error", "message": "You have reached your secondly limit."}


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        pytest.param({"Retry-After": "2"}, "2", id="with-retry-after"),
        pytest.param({}, None, id="without"),
    ],
)
def test_injected_429_reaches_the_client_once(
    hs_sandbox: HubSpotSandbox, headers: dict[str, str], retry_after: str | None
) -> None:
    hs_sandbox.app.inject("POST", "/search$", Fault(429, RATE_LIMIT_BODY, headers))
    search = hs_client(hs_sandbox).crm.deals.search_api
    with pytest.raises(ApiException) as caught:
        search.do_search(PublicObjectSearchRequest(limit=1))
    assert caught.value.status == 429
    assert caught.value.headers.get("Retry-After") == retry_after
    assert search.do_search(PublicObjectSearchRequest(limit=1)).total == 40  # fault used up


def test_urllib3_itself_retries_a_get_answered_429_with_retry_after(
    hs_empty: HubSpotSandbox,
) -> None:
    # urllib3's default Retry honours Retry-After on 429 for idempotent methods, so the
    # client never sees this one; a POST (search, batch) gets the 429 instead.
    hs_empty.app.inject("GET", "/crm/v3/objects/deals$", Fault(429, headers={"Retry-After": "0"}))
    assert hs_client(hs_empty).crm.deals.basic_api.get_page().results == []
    assert [r.status for r in hs_empty.app.log] == [429, 200]


def test_injected_5xx_then_success(hs_sandbox: HubSpotSandbox) -> None:
    hs_sandbox.app.inject("POST", "/search$", Fault(502), Fault(503))
    search = hs_client(hs_sandbox).crm.deals.search_api
    for status in (502, 503):
        with pytest.raises(ApiException) as caught:
            search.do_search(PublicObjectSearchRequest(limit=1))
        assert caught.value.status == status
    assert search.do_search(PublicObjectSearchRequest(limit=1)).total == 40
    assert [r.route for r in hs_sandbox.app.log] == ["fault", "fault", "deals.search"]


def test_dropped_connection_surfaces_as_a_urllib3_error(hs_sandbox: HubSpotSandbox) -> None:
    hs_sandbox.app.inject("POST", "/search$", Fault(drop=True))
    with pytest.raises(urllib3.exceptions.HTTPError):
        hs_client(hs_sandbox).crm.deals.search_api.do_search(PublicObjectSearchRequest())
    assert hs_sandbox.app.counts()["fault.drop"] == 1


def test_delay_slows_one_request_and_then_answers_normally(hs_sandbox: HubSpotSandbox) -> None:
    hs_sandbox.app.inject("GET", "/crm/v3/pipelines/deals$", Fault(status=0, delay=0.3))
    began = time.monotonic()
    pipelines = hs_client(hs_sandbox).crm.pipelines.pipelines_api.get_all("deals")
    assert time.monotonic() - began >= 0.3
    assert len(pipelines.results) == 2


def test_rate_limiter_refuses_past_the_window_and_recovers() -> None:
    clock = [100.0]
    with sandbox.hubspot.start(seed=None, rate_limit=(3, 10.0)) as hs:
        assert hs.limiter is not None
        hs.limiter.clock = lambda: clock[0]
        deals = hs_client(hs).crm.deals.basic_api
        for _ in range(3):
            deals.get_page()
        with pytest.raises(ApiException) as caught:
            deals.get_page()
        assert caught.value.status == 429
        body = caught.value.body
        assert (
            '"policyName": "TEN_SECONDLY_ROLLING"' in body and '"errorType": "RATE_LIMIT"' in body
        )
        assert '"message": "You have reached your ten_secondly_rolling limit."' in body
        assert caught.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
        clock[0] += 10.5
        assert deals.get_page().results == []


def test_rate_limit_headers_count_down(hs_empty: HubSpotSandbox) -> None:
    url = f"{hs_empty.url}/crm/v3/objects/deals"
    auth = {"Authorization": f"Bearer {hs_empty.token}"}
    first = requests.get(url, headers=auth, timeout=5).headers
    second = requests.get(url, headers=auth, timeout=5).headers
    assert int(second["X-HubSpot-RateLimit-Daily-Remaining"]) == (
        int(first["X-HubSpot-RateLimit-Daily-Remaining"]) - 1
    )
    for name in ("Daily", "Secondly", "Secondly-Remaining"):
        assert f"X-HubSpot-RateLimit-{name}" in second


def test_request_log_counts_routes_and_separates_writes(hs_sandbox: HubSpotSandbox) -> None:
    client = hs_client(hs_sandbox)
    client.crm.deals.search_api.do_search(PublicObjectSearchRequest(limit=5))
    client.crm.deals.basic_api.get_page(limit=5)
    task = SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": "2026-01-01"})
    client.crm.objects.tasks.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=[task])
    )
    counts = hs_sandbox.app.counts()
    assert counts["deals.search"] == counts["deals.list"] == counts["tasks.batch_create"] == 1
    assert [w.route for w in hs_sandbox.app.writes()] == ["tasks.batch_create"]
    assert b"hs_timestamp" in hs_sandbox.app.writes()[0].body
    hs_sandbox.app.reset_log()
    assert hs_sandbox.app.counts() == {}


def test_the_rolling_limit_is_a_transient_error_for_the_hubspot_connector() -> None:
    clock = [100.0]
    with sandbox.hubspot.start(seed=None, rate_limit=(1, 10.0)) as hs:
        assert hs.limiter is not None
        hs.limiter.clock = lambda: clock[0]
        deals = hs_client(hs).crm.deals.basic_api
        deals.get_page()
        with pytest.raises(ApiException) as caught:
            deals.get_page()
    error = translate(caught.value)
    assert isinstance(error, RateLimited) and isinstance(error, TransientError)
    assert error.code == "TEN_SECONDLY_ROLLING"
