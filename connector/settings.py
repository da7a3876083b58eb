"""Connection settings of the two CRMs: the `hubspot:` and `salesforce:` sections of the
configuration file (sync/config.py composes them into the whole file's model).

They live with the connectors that use them, so that connector/ depends on nothing of sync/.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubSpotSettings(_Model):
    access_token: SecretStr | None = Field(None, description="Private app or OAuth access token.")
    base_url: str = Field("https://api.hubapi.com", description="API host; a sandbox goes here.")
    refresh_token: SecretStr | None = Field(None, description="OAuth refresh token (optional).")
    client_id: str | None = Field(None, description="OAuth client id, with refresh_token.")
    client_secret: SecretStr | None = Field(None, description="OAuth client secret.")
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


class SalesforceAuth(_Model):
    method: Literal["session", "password", "jwt", "client_credentials"] = Field(
        "session", description="How to obtain a session."
    )
    session_id: SecretStr | None = Field(None, description="method session: the session id.")
    username: str | None = Field(None, description="method password / jwt: the user name.")
    password: SecretStr | None = Field(None, description="method password.")
    security_token: SecretStr | None = Field(None, description="method password.")
    domain: str = Field("login", description="login, test, or a My Domain prefix.")
    consumer_key: str | None = Field(None, description="method jwt: connected app key.")
    private_key_file: str | None = Field(None, description="method jwt: PEM key file path.")
    client_id: str | None = Field(None, description="method client_credentials.")
    client_secret: SecretStr | None = Field(None, description="method client_credentials.")

    @model_validator(mode="after")
    def _required_for_method(self) -> SalesforceAuth:
        needed = {
            "session": ("session_id",),
            "password": ("username", "password"),
            "jwt": ("username", "consumer_key", "private_key_file"),
            "client_credentials": ("client_id", "client_secret"),
        }[self.method]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"auth method {self.method!r} needs {', '.join(missing)}")
        return self


class SalesforceSettings(_Model):
    instance_url: str | None = Field(None, description="Your org's URL (My Domain).")
    auth: SalesforceAuth = Field(
        default_factory=lambda: SalesforceAuth(session_id=SecretStr("")),
        description="How dealgate signs in (session, password, jwt, client_credentials).",
    )
    ca_bundle: str | None = Field(
        None, description="CA file that replaces the default trust store (TLS proxies, sandbox)."
    )
    api_version: str = Field("59.0", description="REST API version.")
    quota_reserve: float = Field(
        0.10, ge=0, lt=1, description="Share of the daily API quota left for other integrations."
    )
    lookback_minutes: int = Field(10, ge=0, le=1440, description="Incremental re-read window.")
    timeout_seconds: float = Field(30.0, gt=0, le=600, description="Per-request timeout.")
    retry_attempts: int = Field(6, ge=1, le=20, description="Tries of a failing request, in all.")
    max_retry_seconds: float = Field(
        120.0, ge=0, le=3600, description="Total wait between retries of one request."
    )
