"""A custom CA bundle keeps the environment's proxy settings (a TLS-inspecting proxy needs both)
and is not overridden by the environment's own CA variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from connector.salesforce.client import tls_session
from connector.settings import SalesforceAuth, SalesforceSettings

URL = "https://acme.my.salesforce.com/services/data/v59.0/query/"


def _settings(ca_bundle: str | None) -> SalesforceSettings:
    return SalesforceSettings(
        instance_url="https://acme.my.salesforce.com",
        auth=SalesforceAuth(method="session", session_id=SecretStr("s")),
        ca_bundle=ca_bundle,
    )


def test_a_ca_bundle_keeps_https_proxy_and_wins_over_requests_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "proxy-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "other.pem"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = tls_session(_settings(str(bundle)), None)
    # what requests applies to each request of this session
    applied = session.merge_environment_settings(URL, {}, None, None, None)
    assert applied["proxies"].get("https") == "http://proxy.example:3128"
    assert applied["verify"] == str(bundle)


def test_no_proxy_still_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "acme.my.salesforce.com")
    session = tls_session(_settings(str(bundle)), None)
    applied = session.merge_environment_settings(URL, {}, None, None, None)
    assert "https" not in applied["proxies"]
    assert applied["verify"] == str(bundle)
