"""Every way to sign in to HubSpot, end to end against the sandbox over HTTP: a service key, a
legacy private app token, a project app's static token, OAuth with refresh; and `check-config`
naming the scope a service key lacks without the private-app introspection endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from cli import app
from connector.errors import AuthError
from connector.hubspot import HubSpotConnector
from connector.settings import HubSpotAuth, HubSpotSettings
from sandbox.hubspot import HubSpotSandbox
from tests.connector.hubspot.helpers import SPEC, Sleeps

# What dealgate needs, as the README lists it for a service key.
DEALGATE_SCOPES = (
    "crm.objects.deals.read",
    "crm.objects.contacts.read",
    "crm.objects.owners.read",
    "crm.objects.tasks.read",
    "crm.objects.tasks.write",
    "crm.schemas.deals.read",
    "crm.schemas.contacts.read",
)


@pytest.fixture
def one_deal(hs_empty: HubSpotSandbox) -> HubSpotSandbox:
    hs_empty.store.create("deals", {"dealname": "Factory IoT", "dealstage": "qualifiedtobuy"})
    return hs_empty


def _connector(sandbox: HubSpotSandbox, **auth: object) -> HubSpotConnector:
    settings = HubSpotSettings(
        auth=HubSpotAuth(**auth),  # type: ignore[arg-type]
        base_url=sandbox.url,
        requests_per_10s=100_000,
        searches_per_second=10_000.0,
    )
    return HubSpotConnector(settings, sleep=Sleeps(), now=sandbox.store.now)


def _service_key(sandbox: HubSpotSandbox, scopes: Iterable[str] = DEALGATE_SCOPES) -> str:
    return sandbox.credentials.grant("svc-key-1", "service_key", scopes)


def test_a_service_key_with_the_listed_scopes_passes_the_check_and_reads(
    one_deal: HubSpotSandbox,
) -> None:
    connector = _connector(
        one_deal, method="service_key", service_key=SecretStr(_service_key(one_deal))
    )
    assert connector.check() == []
    assert [deal.fields["dealname"] for deal in connector.read_all(SPEC)] == ["Factory IoT"]
    # Service keys have no introspection endpoint: the check never asks one.
    assert one_deal.app.counts()["token.read"] == 0
    assert one_deal.app.counts()["token.get"] == 0


@pytest.mark.parametrize(
    ("dropped", "named", "purpose"),
    [
        (("crm.objects.owners.read",), "crm.objects.owners.read", "read owners"),
        (("crm.objects.deals.read",), "crm.objects.deals.read", "read deals"),
        (("crm.schemas.deals.read",), "crm.schemas.deals.read", "read deal properties"),
        (
            ("crm.objects.tasks.write",),
            "crm.objects.tasks.write or crm.objects.contacts.write",
            "create and complete tasks",
        ),
    ],
    ids=["owners", "deals", "deal-properties", "task-writes"],
)
def test_check_config_names_the_scope_a_service_key_lacks(
    one_deal: HubSpotSandbox,
    tmp_path: Path,
    dropped: tuple[str, ...],
    named: str,
    purpose: str,
) -> None:
    key = _service_key(one_deal, [s for s in DEALGATE_SCOPES if s not in dropped])
    config = tmp_path / "dealgate.yaml"
    config.write_text(
        "crm: hubspot\nhubspot:\n  auth:\n    method: service_key\n"
        f"    service_key: ${{KEY}}\n  base_url: {one_deal.url}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check-config", "--config", str(config)], env={"KEY": key})
    assert result.exit_code == 2
    assert f"HubSpot: the service key lacks scope {named} (to {purpose})" in result.output
    assert one_deal.app.counts()["token.read"] == 0  # no private-app introspection
    assert one_deal.store.ids("tasks") == []  # the write probe wrote nothing


def test_a_legacy_private_app_token_is_checked_by_introspection(one_deal: HubSpotSandbox) -> None:
    one_deal.credentials.grant("pat-na1-legacy", "private_app", DEALGATE_SCOPES[:-1])
    connector = _connector(one_deal, method="private_app", access_token=SecretStr("pat-na1-legacy"))
    assert connector.check() == [
        "HubSpot: the private app token lacks scope crm.schemas.contacts.read "
        "(to read contact properties)"
    ]
    assert one_deal.app.counts()["token.read"] == 1


def test_the_older_top_level_access_token_still_signs_in(one_deal: HubSpotSandbox) -> None:
    settings = HubSpotSettings(
        access_token=SecretStr(one_deal.token), base_url=one_deal.url, searches_per_second=1e4
    )
    connector = HubSpotConnector(settings, sleep=Sleeps())
    assert connector.check() == []
    assert len(list(connector.read_all(SPEC))) == 1


def test_a_project_apps_static_token_reads(one_deal: HubSpotSandbox) -> None:
    one_deal.credentials.grant("static-1", "static_token", DEALGATE_SCOPES)
    connector = _connector(one_deal, method="static_token", access_token=SecretStr("static-1"))
    assert connector.check() == []
    assert len(list(connector.read_all(SPEC))) == 1


def test_oauth_gets_a_token_then_renews_it_when_it_expires(one_deal: HubSpotSandbox) -> None:
    one_deal.credentials.register_app("client-1", "secret-1", "refresh-1", DEALGATE_SCOPES)
    connector = _connector(
        one_deal,
        method="oauth",
        client_id="client-1",
        client_secret=SecretStr("secret-1"),
        refresh_token=SecretStr("refresh-1"),
    )
    assert connector.check() == []  # OAuth introspection lists the granted scopes
    assert one_deal.app.counts()["token.create"] == 1
    assert one_deal.app.counts()["token.get"] == 1
    one_deal.credentials.revoke(connector.transport.token)  # the 30 minutes are up
    assert len(list(connector.read_all(SPEC))) == 1
    assert one_deal.app.counts()["token.create"] == 2


def test_oauth_with_an_unknown_refresh_token_says_which_key_to_fix(
    one_deal: HubSpotSandbox,
) -> None:
    one_deal.credentials.register_app("client-1", "secret-1", "refresh-1", DEALGATE_SCOPES)
    connector = _connector(
        one_deal,
        method="oauth",
        client_id="client-1",
        client_secret=SecretStr("secret-1"),
        refresh_token=SecretStr("stale"),
    )
    with pytest.raises(AuthError, match=r"hubspot\.auth\.refresh_token"):
        list(connector.read_all(SPEC))


def test_check_config_names_the_status_of_a_legacy_private_app(tmp_path: Path) -> None:
    config = tmp_path / "dealgate.yaml"
    config.write_text("crm: hubspot\nhubspot: {access_token: pat-na1-x}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check-config", "--config", str(config), "--offline"])
    assert result.exit_code == 0, result.output
    assert "legacy private app token: keeps working" in result.output
    assert "2026-10-26" in result.output
    assert "read as hubspot.auth method private_app" in result.output
