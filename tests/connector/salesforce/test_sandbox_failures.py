"""The sandbox org misbehaving: expired sessions, 503 bursts, the daily API limit."""

from __future__ import annotations

import pytest

from connector.errors import AuthError, QuotaExhausted, ServerError
from sandbox.http import Fault
from sandbox.salesforce import SalesforceSandbox
from tests.connector.salesforce.conftest import SPEC, Connect, add_deal, add_user

UNAVAILABLE = Fault(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "try later"}])


def test_an_expired_session_id_stops_with_what_to_do(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    wired = connect(sf_empty)
    assert list(wired.connector.read_all(SPEC)) == []
    sf_empty.store.expire_sessions()
    with pytest.raises(AuthError) as caught:
        list(wired.connector.read_all(SPEC))
    assert "the session id expired; provide a new one or use password/jwt auth" in str(caught.value)
    assert wired.calls() == 2


def test_a_session_id_the_org_never_accepted_is_refused(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    sf_empty.store.expire_sessions()  # the configured id is not a session of this org
    wired = connect(sf_empty)
    with pytest.raises(AuthError) as caught:
        list(wired.connector.read_all(SPEC))
    assert "Salesforce refused the session id" in str(caught.value)


def test_password_auth_logs_in_again_once_when_the_session_expires(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    owner = add_user(sf_empty)
    deal = add_deal(sf_empty, owner, "Acme")
    wired = connect(sf_empty, relogin=True)
    assert [d.id for d in wired.connector.read_all(SPEC)] == [deal]

    sf_empty.store.expire_sessions()
    assert [d.id for d in wired.connector.read_all(SPEC)] == [deal]
    statuses = [r.status for r in sf_empty.app.log]
    assert statuses == [200, 401, 200]


def test_503_bursts_are_retried_with_backoff(sf_empty: SalesforceSandbox, connect: Connect) -> None:
    owner = add_user(sf_empty)
    deal = add_deal(sf_empty, owner, "Acme")
    sf_empty.app.inject("GET", "/query", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE)
    wired = connect(sf_empty)

    assert [d.id for d in wired.connector.read_all(SPEC)] == [deal]
    assert wired.slept == [1.0, 2.0, 4.0]
    assert wired.connector.api_calls == wired.calls() == 4


def test_a_503_storm_gives_up_after_the_bounded_attempts(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    sf_empty.app.inject("GET", "/query", *[UNAVAILABLE] * 10)
    wired = connect(sf_empty)
    with pytest.raises(ServerError, match="try later"):
        list(wired.connector.read_all(SPEC))
    assert wired.calls() == 6
    assert len(wired.slept) == 5


def test_daily_limit_exceeded_stops_cleanly_without_retries(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    sf_empty.store.set_api_usage(sf_empty.store.api_limit)
    wired = connect(sf_empty)
    with pytest.raises(QuotaExhausted, match="TotalRequests Limit exceeded"):
        list(wired.connector.read_all(SPEC))
    assert wired.calls() == 1
    assert wired.slept == []


def test_the_quota_reserve_is_left_for_other_integrations(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    limit = sf_empty.store.api_limit
    sf_empty.store.set_api_usage(int(limit * 0.9) - 2)
    wired = connect(sf_empty, quota_reserve=0.10)
    list(wired.connector.read_all(SPEC))  # usage now 90% - 1
    list(wired.connector.read_all(SPEC))  # usage now 90%
    with pytest.raises(QuotaExhausted, match="left for other integrations"):
        list(wired.connector.read_all(SPEC))
    assert wired.calls() == 2


def test_the_concurrent_request_cap_is_waited_out_not_taken_for_the_daily_quota(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    owner = add_user(sf_empty)
    deal = add_deal(sf_empty, owner, "Acme")
    busy = Fault(
        403,
        [
            {
                "errorCode": "REQUEST_LIMIT_EXCEEDED",
                "message": "ConcurrentPerOrgLongTxn Limit exceeded.",
            }
        ],
    )
    sf_empty.app.inject("GET", "/query", busy)
    wired = connect(sf_empty)

    assert [d.id for d in wired.connector.read_all(SPEC)] == [deal]
    assert wired.slept == [1.0]
    assert wired.calls() == 2
