"""People's names in the order their language expects, and `--owner` in either order."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from connector.base import Owner
from connector.hubspot import HubSpotConnector
from connector.names import person_name
from sandbox.hubspot import HubSpotSandbox
from sync.audit import owner_ids
from sync.config import HubSpotSettings


@pytest.mark.parametrize(
    ("given", "family", "shown"),
    [
        ("健", "佐藤", "佐藤 健"),
        ("みさき", "田中", "田中 みさき"),
        ("Emily", "Chen", "Emily Chen"),
        ("Marcus", None, "Marcus"),
        (None, "佐藤", "佐藤"),
    ],
)
def test_a_name_reads_in_its_languages_order(
    given: str | None, family: str | None, shown: str
) -> None:
    assert person_name(given, family) == shown


def test_hubspot_owners_with_japanese_names_read_family_name_first(
    hs_sandbox: HubSpotSandbox,
) -> None:
    settings = HubSpotSettings(access_token=SecretStr(hs_sandbox.token), base_url=hs_sandbox.url)
    names = {o.name for o in HubSpotConnector(settings).owners().values()}
    assert {"佐藤 健", "Emily Chen"} <= names and "健 佐藤" not in names


@pytest.mark.parametrize("query", ["佐藤 健", "健 佐藤", "  佐藤   健 ", "k.sato@example.com", "7"])
def test_owner_matches_either_order_the_id_or_the_email(query: str) -> None:
    owners = {"7": Owner("7", "佐藤 健", "k.sato@example.com", True)}
    assert owner_ids(query, owners) == {"7"}
