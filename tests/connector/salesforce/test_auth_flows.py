"""Every way to sign in to Salesforce, end to end against the sandbox's login server over HTTPS:
an External Client App's JWT bearer, client credentials and OAuth username-password flows;
SOAP `login()` kept at API 64.0 for older files; and the default API version served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pydantic import SecretStr
from typer.testing import CliRunner

import sandbox.salesforce
from cli import app
from connector.salesforce import SalesforceConnector
from connector.salesforce.auth import login_for
from connector.settings import DEFAULT_API_VERSION, SalesforceAuth, SalesforceSettings
from sandbox.salesforce import SalesforceSandbox
from tests.connector.salesforce.conftest import SPEC

USER = "dealgate-integration@acme.example"
KEY = "3MVG9dealgateConsumerKey"
SECRET = "consumer-secret-1"


@pytest.fixture
def org() -> Iterator[SalesforceSandbox]:
    with sandbox.salesforce.start(seed=None) as running:
        running.store.insert("Opportunity", {"Name": "Factory IoT", "StageName": "Prospecting",
                                             "CloseDate": "2026-12-31"})  # fmt: skip
        yield running


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A private key file and the self-signed certificate to upload to the app."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dealgate")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path_factory.mktemp("keys") / "dealgate-jwt.key"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path, cert.public_bytes(serialization.Encoding.PEM).decode()


def _settings(org: SalesforceSandbox, **auth: Any) -> SalesforceSettings:
    return SalesforceSettings(
        instance_url="https://login-gives-the-instance.invalid",
        ca_bundle=org.ca_file,
        auth=SalesforceAuth(login_url=org.url, **auth),
    )


def _connector(org: SalesforceSandbox, **auth: Any) -> SalesforceConnector:
    return SalesforceConnector(_settings(org, **auth), sleep=lambda _: None)


def _names(connector: SalesforceConnector) -> list[str]:
    return [deal.fields["Name"] for deal in connector.read_all(SPEC)]


def test_jwt_bearer_logs_in_and_again_when_the_session_expires(
    org: SalesforceSandbox, key_pair: tuple[Path, str]
) -> None:
    key_file, certificate = key_pair
    org.login.add_app(KEY, SECRET, ["jwt"], certificate=certificate, permitted=[USER])
    connector = _connector(
        org, method="jwt", username=USER, consumer_key=KEY, private_key_file=str(key_file)
    )
    assert connector.check() == []
    assert _names(connector) == ["Factory IoT"]
    org.store.expire_sessions()
    assert _names(connector) == ["Factory IoT"]
    assert org.app.counts()["oauth.token"] == 2


def test_jwt_for_a_user_the_app_does_not_permit_is_refused_with_the_reason(
    org: SalesforceSandbox, key_pair: tuple[Path, str]
) -> None:
    key_file, certificate = key_pair
    org.login.add_app(KEY, SECRET, ["jwt"], certificate=certificate, permitted=["someone@else"])
    connector = _connector(
        org, method="jwt", username=USER, consumer_key=KEY, private_key_file=str(key_file)
    )
    (problem,) = connector.check()
    assert "Salesforce refused the jwt login" in problem
    assert "authentication failure" in problem


@pytest.mark.parametrize(
    "names",
    [("consumer_key", "consumer_secret"), ("client_id", "client_secret")],
    ids=["app-names", "older-names"],
)
def test_client_credentials_runs_as_the_apps_user(
    org: SalesforceSandbox, names: tuple[str, str]
) -> None:
    org.login.add_app(KEY, SECRET, ["client_credentials"], run_as=USER)
    key_name, secret_name = names
    connector = _connector(
        org, method="client_credentials", **{key_name: KEY, secret_name: SecretStr(SECRET)}
    )
    assert connector.check() == []
    assert _names(connector) == ["Factory IoT"]


def test_client_credentials_with_a_wrong_secret_is_refused(org: SalesforceSandbox) -> None:
    org.login.add_app(KEY, SECRET, ["client_credentials"], run_as=USER)
    connector = _connector(
        org, method="client_credentials", consumer_key=KEY, consumer_secret=SecretStr("nope")
    )
    (problem,) = connector.check()
    assert "refused the client_credentials login" in problem


def test_password_with_an_app_uses_the_oauth_username_password_flow(
    org: SalesforceSandbox,
) -> None:
    org.login.add_app(KEY, SECRET, ["password"])
    org.login.add_user(USER, "pa55word" + "TOKEN123")
    connector = _connector(
        org,
        method="password",
        username=USER,
        password=SecretStr("pa55word"),
        security_token=SecretStr("TOKEN123"),
        consumer_key=KEY,
        consumer_secret=SecretStr(SECRET),
    )
    assert connector.check() == []
    assert _names(connector) == ["Factory IoT"]
    assert org.app.counts()["oauth.token"] == 1


@responses.activate
def test_password_without_an_app_sends_soap_login_at_64_whatever_the_api_version() -> None:
    soap = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        "<soapenv:Body><loginResponse><result>"
        "<serverUrl>https://acme.my.salesforce.com/services/Soap/u/64.0/00D</serverUrl>"
        "<sessionId>00Dsoap!session</sessionId></result></loginResponse></soapenv:Body>"
        "</soapenv:Envelope>"
    )
    responses.post(re.compile(r"https://login\.salesforce\.com/services/Soap/u/.*"), body=soap)
    settings = SalesforceSettings(
        instance_url="https://acme.my.salesforce.com",
        auth=SalesforceAuth(method="password", username=USER, password=SecretStr("pw")),
    )
    assert settings.api_version == DEFAULT_API_VERSION == "68.0"
    login = login_for(settings, requests.Session())
    assert login is not None
    assert login().session_id == "00Dsoap!session"
    assert responses.calls[0].request.url == "https://login.salesforce.com/services/Soap/u/64.0"


def test_check_config_names_the_status_of_soap_login(tmp_path: Path) -> None:
    config = tmp_path / "dealgate.yaml"
    config.write_text(
        "crm: salesforce\nsalesforce:\n  instance_url: https://acme.my.salesforce.com\n"
        "  auth: {method: password, username: u@acme.example, password: x}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check-config", "--config", str(config), "--offline"])
    assert result.exit_code == 0, result.output
    assert "SOAP API login(): not available from API 65.0" in result.output
    assert "retired in Summer '27" in result.output


def test_every_request_of_a_cycle_goes_to_the_default_version_which_the_org_serves(
    org: SalesforceSandbox,
) -> None:
    org.login.add_app(KEY, SECRET, ["client_credentials"], run_as=USER)
    connector = _connector(
        org, method="client_credentials", consumer_key=KEY, consumer_secret=SecretStr(SECRET)
    )
    assert connector.check() == []
    assert _names(connector) == ["Factory IoT"]
    connector.existing_fields()
    connector.stages()
    connector.owners()
    data = [r.path for r in org.app.log if r.path.startswith("/services/data/")]
    assert data and all(p.startswith("/services/data/v68.0/") for p in data)
    versions = requests.get(f"{org.url}/services/data/", verify=org.ca_file, timeout=5).json()
    assert versions[-1]["version"] == "68.0"


def test_an_org_that_does_not_know_the_version_yet_is_a_clear_problem() -> None:
    with sandbox.salesforce.start(seed=None, max_version="67.0") as org:
        org.login.add_app(KEY, SECRET, ["client_credentials"], run_as=USER)
        connector = _connector(
            org, method="client_credentials", consumer_key=KEY, consumer_secret=SecretStr(SECRET)
        )
        (problem,) = connector.check()
        assert "NOT_FOUND" in problem or "404" in problem
