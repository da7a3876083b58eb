"""Failure handling against the sandbox: rate limits, server errors, credentials."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from connector.errors import AuthError, QuotaExhausted, RateLimited, ServerError
from connector.hubspot import HubSpotConnector
from sandbox.http import Fault, Request, Response
from sandbox.hubspot import HubSpotSandbox
from sync.config import HubSpotSettings
from tests.connector.hubspot.helpers import SPEC, Sleeps, connect

SEARCH = r"/crm/v3/objects/deals/search$"


def _secondly(retry_after: str | None = None) -> Fault:
    headers = {"Retry-After": retry_after} if retry_after else {}
    body = {"status": "error", "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}  # fmt: skip
    return Fault(429, body, headers)


@pytest.fixture
def one_deal(hs_empty: HubSpotSandbox) -> HubSpotSandbox:
    hs_empty.store.create("deals", {"dealname": "Factory IoT", "dealstage": "qualifiedtobuy"})
    return hs_empty


def test_429_storm_with_retry_after_waits_as_told(one_deal: HubSpotSandbox) -> None:
    sleeps = Sleeps()
    connector = connect(one_deal, sleeps)
    one_deal.app.inject("POST", SEARCH, *[_secondly("2")] * 4)
    assert len(list(connector.read_all(SPEC))) == 1
    assert sleeps.waits == [2.0] * 4
    assert connector.api_calls == one_deal.app.counts().total()  # retries are counted


def test_429_storm_without_retry_after_backs_off_exponentially(one_deal: HubSpotSandbox) -> None:
    sleeps = Sleeps()
    connector = connect(one_deal, sleeps)
    one_deal.app.inject("POST", SEARCH, *[_secondly()] * 4)
    assert len(list(connector.read_all(SPEC))) == 1
    assert len(sleeps.waits) == 4
    assert all(
        later > earlier for earlier, later in zip(sleeps.waits, sleeps.waits[1:], strict=False)
    )


def test_endless_429_gives_up_with_rate_limited(one_deal: HubSpotSandbox) -> None:
    connector = connect(one_deal)
    one_deal.app.inject("POST", SEARCH, *[_secondly("1")] * 50)
    with pytest.raises(RateLimited):
        list(connector.read_all(SPEC))
    assert one_deal.app.counts()["fault"] == connector.transport.policy.attempts


def test_5xx_burst_is_ridden_out(one_deal: HubSpotSandbox) -> None:
    sleeps = Sleeps()
    connector = connect(one_deal, sleeps)
    one_deal.app.inject("POST", r"/batch/read$", Fault(502), Fault(503), Fault(500))
    one_deal.app.inject("POST", SEARCH, Fault(503), Fault(status=0, drop=True))
    assert len(list(connector.read_all(SPEC))) == 1
    assert len(sleeps.waits) == 5


def test_persistent_5xx_stops_with_server_error(one_deal: HubSpotSandbox) -> None:
    connector = connect(one_deal)
    one_deal.app.inject("GET", r"/crm/v3/pipelines/deals$", *[Fault(503)] * 20)
    with pytest.raises(ServerError):
        connector.stages()


def test_daily_limit_stops_at_once(one_deal: HubSpotSandbox) -> None:
    connector = connect(one_deal)
    body = {"status": "error", "message": "You have reached your daily limit.",
            "policyName": "DAILY"}  # fmt: skip
    one_deal.app.inject("POST", SEARCH, Fault(429, body))
    with pytest.raises(QuotaExhausted, match="daily"):
        list(connector.read_all(SPEC))
    assert connector.api_calls == 1


def test_bad_token_stops_with_a_clear_message(one_deal: HubSpotSandbox) -> None:
    settings = HubSpotSettings(access_token=SecretStr("pat-na1-wrong"), base_url=one_deal.url)
    connector = HubSpotConnector(settings, sleep=Sleeps())
    (problem,) = connector.check()
    assert "access token" in problem
    with pytest.raises(AuthError, match=r"hubspot\.auth"):
        list(connector.read_all(SPEC))
    assert connector.api_calls == 2  # one check, one read: no retries


def test_check_names_a_missing_scope(one_deal: HubSpotSandbox) -> None:
    one_deal.store.scopes.discard("crm.objects.owners.read")
    problems = connect(one_deal).check()
    assert any("crm.objects.owners.read" in p for p in problems)


def test_check_accepts_the_granular_task_scopes(one_deal: HubSpotSandbox) -> None:
    # A newer private app: tasks through crm.objects.tasks.*, no contacts write scope.
    one_deal.store.scopes.discard("crm.objects.contacts.write")
    assert connect(one_deal).check() == []


def test_check_names_both_task_scopes_when_neither_is_granted(one_deal: HubSpotSandbox) -> None:
    one_deal.store.scopes -= {"crm.objects.contacts.write", "crm.objects.tasks.write"}
    problems = connect(one_deal).check()
    assert problems == [
        "HubSpot: the private app token lacks scope crm.objects.tasks.write or "
        "crm.objects.contacts.write (to create and complete tasks)"
    ]


def test_check_passes_on_a_complete_portal(hs_sandbox: HubSpotSandbox) -> None:
    assert connect(hs_sandbox).check() == []


def test_expired_oauth_token_is_refreshed_once(one_deal: HubSpotSandbox) -> None:
    reads = ["crm.objects.deals.read", "crm.objects.contacts.read", "crm.objects.tasks.read"]
    one_deal.credentials.register_app("app-id", "app-secret", "r1", reads)
    settings = HubSpotSettings(
        access_token=SecretStr("expired-token"),
        refresh_token=SecretStr("r1"),
        client_id="app-id",
        client_secret=SecretStr("app-secret"),
        base_url=one_deal.url,
        searches_per_second=1000.0,
    )
    connector = HubSpotConnector(settings, sleep=Sleeps())
    assert len(list(connector.read_all(SPEC))) == 1
    assert one_deal.app.counts()["token.create"] == 1


def test_answer_headers_tighten_the_client_limit(hs_empty: HubSpotSandbox) -> None:
    connector = connect(hs_empty, requests_per_10s=190)
    hs_empty.app.after.append(_headers({"X-HubSpot-RateLimit-Max": "100"}))
    connector.stages()
    assert connector.transport.limiter.limit == 100


def _headers(extra: dict[str, str]) -> Any:
    def hook(request: Request, response: Response) -> None:
        response.headers.update(extra)

    return hook
