"""A query answered with something that is not its records is an error naming the query, never an
empty result (a full read taken as empty would make every tracked deal look deleted)."""

from __future__ import annotations

import re

import pytest

from connector.base import ReadSpec
from connector.errors import UnexpectedAnswer
from sandbox.http import Request, Response
from sandbox.salesforce import SalesforceSandbox
from tests.connector.salesforce.conftest import Connect, add_deal, add_user

SPEC = ReadSpec(deal_fields=("Name",))
BAD = [
    pytest.param(b"{}", id="empty-object"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"totalSize": 3, "done": true, "records": []}', id="no-records-total-3"),
    pytest.param(b'{"done": true, "records": []}', id="no-total"),
    pytest.param(b'{"totalSize": 0, "done": false, "records": []}', id="not-done-no-next"),
    pytest.param(b'{"totalSize": 1, "done": true, "records": {"Id": "x"}}', id="not-a-list"),
]


def answer_query(org: SalesforceSandbox, body: bytes) -> None:
    """Answer the next query request with `200 body`, unprocessed."""
    used = False

    def hook(request: Request) -> Response | None:
        nonlocal used
        if used or not re.search(r"/query(All)?/?$", request.path):
            return None
        used = True
        return Response(200, body)

    org.app.before.append(hook)


@pytest.mark.parametrize("body", BAD)
def test_a_full_read_answered_without_its_records_fails_naming_the_query(
    sf_empty: SalesforceSandbox, connect: Connect, body: bytes
) -> None:
    owner = add_user(sf_empty)
    for n in range(3):
        add_deal(sf_empty, owner, f"Deal {n}")
    answer_query(sf_empty, body)
    with pytest.raises(
        UnexpectedAnswer, match="unexpected answer from Salesforce to query on Opportunity"
    ):
        list(connect(sf_empty).connector.read_all(SPEC))


def test_an_empty_org_is_still_read_as_empty(sf_empty: SalesforceSandbox, connect: Connect) -> None:
    assert list(connect(sf_empty).connector.read_all(SPEC)) == []


def test_confirm_deleted_names_only_opportunities_in_the_recycle_bin(
    sf_empty: SalesforceSandbox, connect: Connect
) -> None:
    owner = add_user(sf_empty)
    live, deleted = add_deal(sf_empty, owner, "Live"), add_deal(sf_empty, owner, "Deleted")
    sf_empty.store.delete("Opportunity", deleted)
    wired = connect(sf_empty)
    unknown = "006000000000000AAA"  # purged, or hidden by sharing: Salesforce cannot tell
    assert wired.connector.confirm_deleted([live, deleted, unknown]) == {deleted}
    assert wired.connector.api_calls == 1
