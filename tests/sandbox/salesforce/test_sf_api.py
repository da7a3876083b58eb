"""Sessions, API limits, replication resources, TLS, injected faults and the request log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from sandbox import salesforce
from sandbox.http import Fault
from tests.fixtures.salesforce import sf_client

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
COUNT = "SELECT COUNT() FROM Opportunity"


def test_every_response_reports_api_usage(sf_sandbox: salesforce.SalesforceSandbox) -> None:
    sf = sf_client(sf_sandbox)
    sf.query(COUNT)
    sf.query(COUNT)
    assert sf.api_usage["api-usage"].used == 2
    assert sf.api_usage["api-usage"].total == 100_000
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 100_000, "Remaining": 100_000 - 3}


def test_an_expired_session_is_refused_until_a_new_token_is_issued(
    sf_sandbox: salesforce.SalesforceSandbox,
) -> None:
    sf = sf_client(sf_sandbox)
    sf.query(COUNT)
    sf_sandbox.store.expire_sessions()
    with pytest.raises(SalesforceExpiredSession) as caught:
        sf.query(COUNT)
    assert caught.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
    fresh = sf_sandbox.store.issue_token()
    assert fresh != sf_sandbox.token
    sf.session_id = fresh
    sf.headers["Authorization"] = f"Bearer {fresh}"
    assert sf.query(COUNT)["totalSize"] == 40
    sf_sandbox.store.issue_token(sf_sandbox.token)
    assert sf_client(sf_sandbox).query(COUNT)["totalSize"] == 40


def test_a_wrong_token_is_refused(sf_sandbox: salesforce.SalesforceSandbox) -> None:
    sf = sf_client(sf_sandbox)
    sf.headers["Authorization"] = "Bearer nope"
    with pytest.raises(SalesforceExpiredSession):
        sf.query(COUNT)


def test_daily_limit_reached_gives_403_request_limit_exceeded() -> None:
    with salesforce.start(seed=None, api_limit=3) as sandbox:
        sf = sf_client(sandbox)
        sf.query(COUNT)
        sandbox.store.set_api_usage(3)
        with pytest.raises(SalesforceRefusedRequest) as caught:
            sf.query(COUNT)
        assert caught.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        sandbox.store.set_api_usage(0)
        assert sf.query(COUNT)["totalSize"] == 0


def test_updated_and_deleted_list_ids_changed_in_the_window(
    sf_empty: salesforce.SalesforceSandbox,
) -> None:
    store = sf_empty.store
    clock = [T0]
    store.now = lambda: clock[0]
    sf = sf_client(sf_empty)
    kept = store.insert("Task", {"Subject": "kept"})
    dropped = store.insert("Task", {"Subject": "dropped"})
    clock[0] = T0 + timedelta(minutes=10)
    store.delete("Task", dropped)
    clock[0] = T0 + timedelta(hours=1)
    updated = sf.Task.updated(T0 - timedelta(minutes=1), T0 + timedelta(minutes=30))
    assert updated == {"ids": [kept], "latestDateCovered": "2026-11-27T04:30:00.000+0000"}
    deleted = sf.Task.deleted(T0, T0 + timedelta(hours=2))
    assert deleted["deletedRecords"] == [
        {"id": dropped, "deletedDate": "2026-11-27T04:10:00.000+0000"}
    ]
    assert deleted["latestDateCovered"] == "2026-11-27T05:00:00.000+0000"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.deleted(T0 - timedelta(days=16), T0)
    assert caught.value.content[0]["errorCode"] == "INVALID_REPLICATION_DATE"


def test_unknown_paths_and_types_are_404_not_found(sf_empty: salesforce.SalesforceSandbox) -> None:
    sf = sf_client(sf_empty)
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.restful("nothing/here")
    assert caught.value.content[0]["errorCode"] == "NOT_FOUND"
    with pytest.raises(SalesforceResourceNotFound):
        sf.restful("sobjects/Widget__c/describe")


def test_tls_is_verified_against_the_sandbox_ca(sf_empty: salesforce.SalesforceSandbox) -> None:
    session = requests.Session()
    session.trust_env = False
    with pytest.raises(requests.exceptions.SSLError):
        session.get(f"{sf_empty.url}/services/data/v59.0/limits/", timeout=5)
    ok = session.get(
        f"{sf_empty.url}/services/data/v59.0/limits/",
        verify=sf_empty.ca_file,
        headers={"Authorization": f"Bearer {sf_empty.token}"},
        timeout=5,
    )
    assert ok.status_code == 200 and ok.headers["Sforce-Limit-Info"] == "api-usage=1/100000"


@pytest.mark.parametrize("status", [503, 429])
def test_injected_status_is_answered_once_then_the_real_route_runs(
    sf_empty: salesforce.SalesforceSandbox, status: int
) -> None:
    sf = sf_client(sf_empty)
    sf_empty.app.inject("GET", r"/query/?$", Fault(status, [{"errorCode": "X", "message": "x"}]))
    with pytest.raises(SalesforceGeneralError) as caught:
        sf.query(COUNT)
    assert caught.value.status == status
    assert sf.query(COUNT)["totalSize"] == 0
    assert [(r.route, r.status) for r in sf_empty.app.log] == [("fault", status), ("query", 200)]


def test_a_dropped_connection_reaches_the_client_as_a_connection_error(
    sf_empty: salesforce.SalesforceSandbox,
) -> None:
    sf = sf_client(sf_empty)
    sf_empty.app.inject("GET", r"/query/", Fault(drop=True))
    with pytest.raises(requests.exceptions.ConnectionError):
        sf.query(COUNT)
    assert sf.query(COUNT)["totalSize"] == 0


def test_a_delay_fault_makes_a_client_timeout_fire(sf_empty: salesforce.SalesforceSandbox) -> None:
    sf_empty.app.inject("GET", r"/limits/", Fault(status=0, delay=0.5))
    sf = sf_client(sf_empty)
    with pytest.raises(requests.exceptions.ReadTimeout):
        sf.restful("limits/", timeout=0.1)


def test_request_log_records_routes_and_writes(sf_sandbox: salesforce.SalesforceSandbox) -> None:
    sf = sf_client(sf_sandbox)
    deal = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    sf_sandbox.app.reset_log()
    sf.Task.create({"Subject": "x", "WhatId": deal})
    sf.query("SELECT Id FROM Task")
    sf.restful(
        "composite/sobjects",
        method="POST",
        json={"records": [{"attributes": {"type": "Task"}, "Subject": "y"}]},
    )
    assert sf_sandbox.app.counts() == {"sobject.create": 1, "query": 1, "collections.create": 1}
    assert [w.route for w in sf_sandbox.app.writes()] == ["sobject.create", "collections.create"]
    assert b'"Subject": "x"' in sf_sandbox.app.writes()[0].body


def test_a_query_uri_past_16384_bytes_is_refused_with_414(
    sf_empty: salesforce.SalesforceSandbox,
) -> None:
    sf = sf_client(sf_empty)
    ids = ", ".join(f"'006{n:015d}'" for n in range(700))  # about 17,000 encoded characters
    with pytest.raises(SalesforceGeneralError) as caught:
        sf.query(f"SELECT Id FROM Opportunity WHERE Id IN ({ids})")
    assert caught.value.status == 414
    assert sf_empty.store.api_used == 0
    shorter = ", ".join(f"'006{n:015d}'" for n in range(300))
    assert sf.query(f"SELECT Id FROM Opportunity WHERE Id IN ({shorter})")["totalSize"] == 0
