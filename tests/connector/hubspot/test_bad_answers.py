"""A read answered with something that is not its records is an error naming the request, never
an empty result (a full read taken as empty would make every tracked deal look deleted)."""

from __future__ import annotations

import re

import pytest

from connector.errors import UnexpectedAnswer
from sandbox.http import Request, Response
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import SPEC, connect

BAD = [
    pytest.param(b"{}", id="empty-object"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"results": [], "total": 3}', id="empty-page-total-3"),
    pytest.param(b'{"results": {"id": "1"}, "total": 1}', id="results-not-a-list"),
]


def answer_nth(sandbox: HubSpotSandbox, path: str, nth: int, body: bytes) -> None:
    """Answer the `nth` request (1-based) whose path matches with `200 body`, unprocessed."""
    seen = 0
    pattern = re.compile(path)

    def hook(request: Request) -> Response | None:
        nonlocal seen
        if not pattern.search(request.path):
            return None
        seen += 1
        return Response(200, body) if seen == nth else None

    sandbox.app.before.append(hook)


@pytest.fixture
def three_deals(hs_empty: HubSpotSandbox) -> HubSpotSandbox:
    for n in range(3):
        hs_empty.store.create("deals", {"dealname": f"deal {n}", "dealstage": "qualifiedtobuy"})
    return hs_empty


@pytest.mark.parametrize("body", BAD)
@pytest.mark.parametrize("nth", [1, 2], ids=["newest-deal-probe", "deal-scan"])
def test_a_full_read_answered_without_its_records_fails_naming_the_request(
    three_deals: HubSpotSandbox, body: bytes, nth: int
) -> None:
    answer_nth(three_deals, r"/crm/v3/objects/deals/search$", nth, body)
    with pytest.raises(UnexpectedAnswer, match="deals search"):
        list(connect(three_deals).read_all(SPEC))


@pytest.mark.parametrize(
    ("path", "what"),
    [
        (r"/crm/v4/associations/deals/contacts/batch/read$", "deals->contacts associations"),
        (r"/crm/v4/associations/deals/tasks/batch/read$", "deals->tasks associations"),
    ],
)
def test_a_bad_associations_answer_is_not_a_deal_without_contacts_or_tasks(
    three_deals: HubSpotSandbox, path: str, what: str
) -> None:
    answer_nth(three_deals, path, 1, b"{}")
    with pytest.raises(UnexpectedAnswer, match=what):
        list(connect(three_deals).read_all(SPEC))


def test_an_empty_portal_is_still_read_as_empty(hs_empty: HubSpotSandbox) -> None:
    assert list(connect(hs_empty).read_all(SPEC)) == []


def test_confirm_deleted_names_archived_and_unknown_deals_not_live_ones(
    three_deals: HubSpotSandbox,
) -> None:
    live, archived, _ = sorted(three_deals.store.ids("deals"), key=int)
    three_deals.store.archive("deals", str(archived))
    connector = connect(three_deals)
    found = connector.confirm_deleted([str(live), str(archived), "999999"])
    assert found == {str(archived), "999999"}
    assert connector.api_calls == 2  # archived read, then a live read of the rest
