"""Connection settings of the two CRMs: the `hubspot:` and `salesforce:` sections of the
configuration file (sync/config.py composes them into the whole file's model).

They live with the connectors that use them, so that connector/ depends on nothing of sync/.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.config import JsonDict

DEFAULT_API_VERSION = "68.0"  # Winter '27; every request dealgate makes is tested at it


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The last API version whose SOAP API still has login(): from 65.0 on it is gone, and Salesforce
# retires it in every version with the Summer '27 release (help article 005132110).
SOAP_LOGIN_LAST_VERSION = "64.0"
SOAP_LOGIN_RETIREMENT = "Summer '27 (June 2027)"

HubSpotMethod = Literal["service_key", "private_app", "static_token", "oauth"]
SalesforceMethod = Literal["session", "password", "jwt", "client_credentials"]


class HubSpotAuth(_Model):
    """How dealgate signs in to HubSpot, named as HubSpot's own screens name things."""

    method: HubSpotMethod = Field(
        "service_key",
        description="service_key (recommended), private_app (legacy), static_token or oauth.",
    )
    service_key: SecretStr | None = Field(
        None, description="method service_key: Development > Keys > Service keys."
    )
    access_token: SecretStr | None = Field(
        None,
        description="method private_app: the legacy app's access token; static_token: the "
        "project app's static access token (Auth tab).",
    )
    client_id: str | None = Field(None, description="method oauth: the app's client ID.")
    client_secret: SecretStr | None = Field(
        None, description="method oauth: the app's client secret."
    )
    refresh_token: SecretStr | None = Field(
        None, description="method oauth: the refresh token of the install."
    )

    @model_validator(mode="after")
    def _required_for_method(self) -> HubSpotAuth:
        needed = {
            "service_key": ("service_key",),
            "private_app": ("access_token",),
            "static_token": ("access_token",),
            "oauth": ("client_id", "client_secret", "refresh_token"),
        }[self.method]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"auth method {self.method!r} needs {', '.join(missing)}")
        return self

    @property
    def token(self) -> str:
        """The bearer token to start with ('' when OAuth must obtain one first)."""
        secret = self.service_key if self.method == "service_key" else self.access_token
        return secret.get_secret_value() if secret is not None else ""

    @property
    def refreshes(self) -> bool:
        """Whether an expired token can be renewed (OAuth with a refresh token)."""
        return self.method == "oauth"


# Keys kept working for older files; `dealgate init` leaves them out.
_LEGACY: JsonDict = {"legacy": True}


class HubSpotSettings(_Model):
    auth: HubSpotAuth | None = Field(
        None, description="How dealgate signs in: service key, private app, static token, OAuth."
    )
    base_url: str = Field("https://api.hubapi.com", description="API host; a sandbox goes here.")
    access_token: SecretStr | None = Field(
        None,
        description="Older files: a private app or OAuth access token (now hubspot.auth).",
        json_schema_extra=_LEGACY,
    )
    refresh_token: SecretStr | None = Field(
        None,
        description="Older files: OAuth refresh token (now hubspot.auth).",
        json_schema_extra=_LEGACY,
    )
    client_id: str | None = Field(
        None,
        description="Older files: OAuth client id (now hubspot.auth).",
        json_schema_extra=_LEGACY,
    )
    client_secret: SecretStr | None = Field(
        None,
        description="Older files: OAuth client secret (now hubspot.auth).",
        json_schema_extra=_LEGACY,
    )
    requests_per_10s: int = Field(
        100, ge=1, le=1_000_000, description="Client-side limit (190 on Pro/Ent)."
    )
    searches_per_second: float = Field(
        4.0, gt=0, le=1_000_000, description="Client-side search rate limit."
    )
    lookback_minutes: int = Field(10, ge=0, le=1440, description="Incremental re-read window.")
    timeout_seconds: float = Field(30.0, gt=0, le=600, description="Per-request timeout.")
    retry_attempts: int = Field(6, ge=1, le=20, description="Tries of a failing request, in all.")
    max_retry_seconds: float = Field(
        120.0, ge=0, le=3600, description="Total wait between retries of one request."
    )

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> HubSpotSettings:
        legacy = [
            n
            for n in ("access_token", "refresh_token", "client_id", "client_secret")
            if getattr(self, n) is not None
        ]
        if self.auth is not None and legacy:
            raise ValueError(
                f"hubspot.auth and the older hubspot.{legacy[0]} both given; keep hubspot.auth"
            )
        return self

    @property
    def configured(self) -> bool:
        """Whether the section says how to sign in at all."""
        return (
            self.auth is not None or self.access_token is not None or self.refresh_token is not None
        )

    def credentials(self) -> HubSpotAuth:
        """The effective `auth`: the `auth` mapping, or the older top-level keys read as a
        private app token (or OAuth, when refresh token, client id and secret are all set)."""
        if self.auth is not None:
            return self.auth
        oauth = None not in (self.refresh_token, self.client_id, self.client_secret)
        return HubSpotAuth.model_construct(
            method="oauth" if oauth else "private_app",
            service_key=None,
            access_token=self.access_token,
            client_id=self.client_id,
            client_secret=self.client_secret,
            refresh_token=self.refresh_token,
        )


class SalesforceAuth(_Model):
    method: SalesforceMethod = Field(
        "session", description="jwt (recommended), client_credentials, password or session."
    )
    session_id: SecretStr | None = Field(None, description="method session: the session id.")
    username: str | None = Field(
        None, description="method password / jwt: the integration user's user name."
    )
    password: SecretStr | None = Field(None, description="method password.")
    security_token: SecretStr | None = Field(
        None, description="method password: appended to the password (if your org asks)."
    )
    domain: str = Field("login", description="login, test, or a My Domain prefix.")
    login_url: str | None = Field(
        None,
        description="Where to log in, e.g. your My Domain URL https://acme.my.salesforce.com "
        "(default https://{domain}.salesforce.com).",
    )
    consumer_key: str | None = Field(
        None, description="External Client App consumer key (jwt, client_credentials, password)."
    )
    consumer_secret: SecretStr | None = Field(
        None, description="External Client App consumer secret (client_credentials, password)."
    )
    private_key_file: str | None = Field(
        None, description="method jwt: the PEM private key of the app's certificate."
    )
    client_id: str | None = Field(
        None,
        description="Older files: consumer key for client_credentials.",
        json_schema_extra=_LEGACY,
    )
    client_secret: SecretStr | None = Field(
        None,
        description="Older files: consumer secret for client_credentials.",
        json_schema_extra=_LEGACY,
    )

    @model_validator(mode="after")
    def _required_for_method(self) -> SalesforceAuth:
        if self.method == "client_credentials":
            missing = [
                new
                for new, old in (
                    ("consumer_key", "client_id"),
                    ("consumer_secret", "client_secret"),
                )
                if getattr(self, new) is None and getattr(self, old) is None
            ]
        else:
            needed = {
                "session": ("session_id",),
                "password": ("username", "password"),
                "jwt": ("username", "consumer_key", "private_key_file"),
            }[self.method]
            missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"auth method {self.method!r} needs {', '.join(missing)}")
        if self.method == "password" and (self.consumer_key is None) != (
            self.consumer_secret is None
        ):
            raise ValueError(
                "auth method 'password' with an External Client App needs both consumer_key "
                "and consumer_secret"
            )
        return self

    @property
    def app_key(self) -> str | None:
        """The External Client App's consumer key (older files: client_id)."""
        return self.consumer_key or self.client_id

    @property
    def app_secret(self) -> str | None:
        """The External Client App's consumer secret (older files: client_secret)."""
        secret = self.consumer_secret or self.client_secret
        return secret.get_secret_value() if secret is not None else None

    @property
    def soap_login(self) -> bool:
        """Whether this signs in through SOAP API login() (password without an app)."""
        return self.method == "password" and self.consumer_key is None


class SalesforceSettings(_Model):
    instance_url: str | None = Field(None, description="Your org's URL (My Domain).")
    auth: SalesforceAuth = Field(
        default_factory=lambda: SalesforceAuth(session_id=SecretStr("")),
        description="How dealgate signs in (jwt, client_credentials, password, session).",
    )
    ca_bundle: str | None = Field(
        None, description="CA file that replaces the default trust store (TLS proxies, sandbox)."
    )
    api_version: str = Field(
        DEFAULT_API_VERSION, description="REST API version (Winter '27 is 68.0)."
    )
    quota_reserve: float = Field(
        0.10, ge=0, lt=1, description="Share of the daily API quota left for other integrations."
    )
    lookback_minutes: int = Field(10, ge=0, le=1440, description="Incremental re-read window.")
    timeout_seconds: float = Field(30.0, gt=0, le=600, description="Per-request timeout.")
    retry_attempts: int = Field(6, ge=1, le=20, description="Tries of a failing request, in all.")
    max_retry_seconds: float = Field(
        120.0, ge=0, le=3600, description="Total wait between retries of one request."
    )
