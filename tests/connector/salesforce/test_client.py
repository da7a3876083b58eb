"""The Salesforce client's request policy, against a mocked REST API (`responses`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from pydantic import SecretStr

from connector.errors import AuthError, QuotaExhausted, ServerError
from connector.retry import RetryPolicy
from connector.salesforce.auth import SessionInfo
from connector.salesforce.client import SalesforceClient, parse_api_usage
from connector.settings import DEFAULT_API_VERSION
from sync.config import SalesforceAuth, SalesforceSettings

INSTANCE = "https://acme.my.salesforce.com"
QUERY = re.compile(re.escape(f"{INSTANCE}/services/data/v{DEFAULT_API_VERSION}/query/") + ".*")
EMPTY = {"totalSize": 0, "done": True, "records": []}
EXPIRED = [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]


def settings(**changes: Any) -> SalesforceSettings:
    base: dict[str, Any] = {
        "instance_url": INSTANCE,
        "auth": SalesforceAuth(method="session", session_id=SecretStr("token-1")),
    }
    return SalesforceSettings(**{**base, **changes})


def client(slept: list[float] | None = None, login: Any = None, **changes: Any) -> SalesforceClient:
    sleeps = slept if slept is not None else []
    return SalesforceClient(
        settings(**changes),
        sleep=sleeps.append,
        login=login,
        policy=RetryPolicy(jitter_seconds=0),
    )


@responses.activate
def test_503_bursts_are_retried_and_every_attempt_counts() -> None:
    responses.get(QUERY, json=[{"errorCode": "SERVER_UNAVAILABLE", "message": "busy"}], status=503)
    responses.get(QUERY, status=503, json=[], headers={"Retry-After": "3"})
    responses.get(QUERY, json=EMPTY)
    slept: list[float] = []
    sf = client(slept)
    assert sf.query("SELECT Id FROM Opportunity") == EMPTY
    assert sf.requests_made == 3
    assert slept == [1.0, 3.0]  # backoff, then the server's Retry-After


@responses.activate
def test_server_errors_give_up_after_the_attempts() -> None:
    responses.get(QUERY, json=[{"errorCode": "X", "message": "down"}], status=500)
    sf = client()
    with pytest.raises(ServerError, match="down"):
        sf.query("SELECT Id FROM Opportunity")
    assert sf.requests_made == RetryPolicy().attempts


@responses.activate
def test_a_refused_connection_is_retried_and_counted() -> None:
    responses.get(QUERY, body=requests.ConnectionError("refused"))
    responses.get(QUERY, json=EMPTY)
    sf = client()
    assert sf.query("SELECT Id FROM Opportunity") == EMPTY
    assert sf.requests_made == 2


@responses.activate
def test_daily_limit_exceeded_stops_at_once() -> None:
    responses.get(
        QUERY,
        json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}],
        status=403,
    )
    slept: list[float] = []
    sf = client(slept)
    with pytest.raises(QuotaExhausted, match="TotalRequests"):
        sf.query("SELECT Id FROM Opportunity")
    assert sf.requests_made == 1
    assert slept == []


@responses.activate
def test_quota_guard_stops_before_the_reserve_is_touched() -> None:
    responses.get(QUERY, json=EMPTY, headers={"Sforce-Limit-Info": "api-usage=899/1000"})
    responses.get(QUERY, json=EMPTY, headers={"Sforce-Limit-Info": "api-usage=900/1000"})
    sf = client(quota_reserve=0.10)
    sf.query("SELECT Id FROM Opportunity")
    sf.query("SELECT Id FROM Opportunity")
    with pytest.raises(QuotaExhausted, match="900 of 1000"):
        sf.query("SELECT Id FROM Opportunity")
    assert sf.requests_made == 2  # the third request was never sent


def test_api_usage_header() -> None:
    assert parse_api_usage("api-usage=25/5000") == (25, 5000)
    assert parse_api_usage("api-usage=25/5000; per-app-api-usage=17/250(appName=x)") == (25, 5000)
    assert parse_api_usage(None) is None


@responses.activate
def test_expired_bare_session_stops_with_a_clear_message() -> None:
    responses.get(QUERY, json=EMPTY)
    responses.get(QUERY, json=EXPIRED, status=401)
    sf = client()
    sf.query("SELECT Id FROM Opportunity")  # the session id worked: then it expired
    with pytest.raises(AuthError, match="the session id expired; provide a new one"):
        sf.query("SELECT Id FROM Opportunity")
    assert sf.requests_made == 2


@responses.activate
def test_a_bare_session_id_never_accepted_is_refused_not_expired() -> None:
    responses.get(QUERY, json=EXPIRED, status=401)
    sf = client()
    with pytest.raises(AuthError, match="Salesforce refused the session id") as caught:
        sf.query("SELECT Id FROM Opportunity")
    assert "expired" not in str(caught.value)
    assert sf.requests_made == 1


@responses.activate
def test_expired_session_logs_in_again_once() -> None:
    responses.get(QUERY, json=EXPIRED, status=401)
    responses.get(QUERY, json=EMPTY)
    logins: list[int] = []

    def login() -> SessionInfo:
        logins.append(1)
        return SessionInfo(f"token-{len(logins) + 1}", INSTANCE)

    sf = client(
        login=login,
        auth=SalesforceAuth(method="password", username="u", password=SecretStr("p")),
    )
    assert sf.query("SELECT Id FROM Opportunity") == EMPTY
    assert len(logins) == 2  # the first session, then one renewal
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer token-3"


@responses.activate
def test_a_session_that_expires_again_at_once_is_not_renewed_twice() -> None:
    responses.get(QUERY, json=EXPIRED, status=401)
    logins: list[int] = []

    def login() -> SessionInfo:
        logins.append(1)
        return SessionInfo("token", INSTANCE)

    sf = client(
        login=login,
        auth=SalesforceAuth(method="password", username="u", password=SecretStr("p")),
    )
    with pytest.raises(AuthError):
        sf.query("SELECT Id FROM Opportunity")
    assert len(logins) == 2
    assert len(responses.calls) == 2


def test_ca_bundle_is_verified_even_when_the_environment_names_another(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/elsewhere.pem")
    sf = client(ca_bundle=str(bundle))
    assert sf.session.verify == str(bundle)
    # what each request of the session is sent with: the bundle, not the environment's CA file
    # (the environment itself stays on, for HTTPS_PROXY: tests/connector/salesforce/test_proxy.py)
    applied = sf.session.merge_environment_settings(f"{INSTANCE}/x", {}, None, None, None)
    assert applied["verify"] == str(bundle)


def _page(name_json: str) -> str:
    return (
        '{"totalSize": 1, "done": true, "records": '
        f'[{{"attributes": {{"type": "Opportunity"}}, "Id": "006A", "Name": {name_json}}}]}}'
    )


@responses.activate
@pytest.mark.parametrize(
    ("body", "name"),
    [
        pytest.param(_page('"Tōkyō 案件 \\"A\\""').encode(), 'Tōkyō 案件 "A"', id="plain"),
        # pydantic-core's parser refuses a lone surrogate, json reads it: read the library's way.
        pytest.param(_page('"a \\ud800 b"').encode(), "a \ud800 b", id="lone-surrogate"),
    ],
)
def test_query_pages_decode_as_the_library_decodes_them(body: bytes, name: str) -> None:
    responses.get(QUERY, body=body, content_type="application/json;charset=UTF-8")
    page = client().query("SELECT Id, Name FROM Opportunity")
    assert page["records"][0]["Name"] == name
    assert type(page) is dict and type(page["records"][0]) is dict


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b"",
        b'{"records": [1, 2]} tail',
        b"\xef\xbb\xbf" + _page('"BOM"').encode(),  # the library refuses a byte order mark too
    ],
)
def test_an_answer_that_is_not_json_is_a_server_error_after_the_retries(body: bytes) -> None:
    for _ in range(RetryPolicy().attempts):
        responses.get(QUERY, body=body, status=200, content_type="application/json;charset=UTF-8")
    with pytest.raises(ServerError, match="not JSON"):
        client().query("SELECT Id FROM Opportunity")
