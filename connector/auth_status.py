"""What `check-config` says about the configured way of signing in: its status at the CRM.

Dates and versions are the CRMs' own (see the README's connection sections for the sources):
HubSpot stopped the creation of legacy private apps on 28 September 2026 (accounts created from
then on) and 26 October 2026 (older accounts); service keys are in public beta. Salesforce's
SOAP API `login()` is not available from API 65.0, disabled by default in orgs created in
Winter '26 or later, and retired in Summer '27; new connected apps cannot be created since
Spring '26, External Client Apps replace them.
"""

from __future__ import annotations

from connector.settings import (
    SOAP_LOGIN_LAST_VERSION,
    SOAP_LOGIN_RETIREMENT,
    HubSpotSettings,
    SalesforceSettings,
)

_HUBSPOT = {
    "service_key": "service key (HubSpot's way for system-to-system integrations; public "
    "beta); its scopes are checked by probing the endpoints dealgate needs",
    "private_app": "legacy private app token: keeps working, but HubSpot no longer creates "
    "private apps (from 2026-09-28 for new accounts, 2026-10-26 for older ones); a service key "
    "replaces it",
    "static_token": "project app static access token (developer platform 2025.2 or later)",
    "oauth": "OAuth (project app); dealgate renews the access token with the refresh token",
}

_SALESFORCE = {
    "jwt": "jwt: OAuth 2.0 JWT bearer flow of an External Client App (recommended for a "
    "daemon; no password to rotate)",
    "client_credentials": "client_credentials: OAuth 2.0 client credentials flow of an External "
    "Client App; the session runs as the app's Run As user",
    "password": "password: OAuth 2.0 username-password flow of an External Client App; "
    "Salesforce advises against this flow and many orgs block it: prefer jwt",
    "session": "session: a bare session id cannot be renewed; when it expires dealgate stops",
}


def hubspot_status(settings: HubSpotSettings) -> list[str]:
    """Notes on how dealgate signs in to HubSpot."""
    auth = settings.credentials()
    notes = [f"hubspot sign-in: {_HUBSPOT[auth.method]}"]
    if settings.auth is None:
        notes.append(
            "hubspot.access_token (and refresh_token, client_id, client_secret) are the older "
            f"keys, read as hubspot.auth method {auth.method}; new files use hubspot.auth"
        )
    return notes


def salesforce_status(settings: SalesforceSettings) -> list[str]:
    """Notes on how dealgate signs in to Salesforce, naming a method on its way out."""
    auth = settings.auth
    if auth.soap_login:
        notes = [
            "salesforce sign-in: password through SOAP API login(): not available from API "
            f"65.0 (dealgate sends it at {SOAP_LOGIN_LAST_VERSION}), disabled by default in "
            f"orgs created in Winter '26 or later, retired in {SOAP_LOGIN_RETIREMENT}; add "
            "consumer_key and consumer_secret of an External Client App (OAuth "
            "username-password flow), or better switch to jwt"
        ]
    else:
        notes = [f"salesforce sign-in: {_SALESFORCE[auth.method]}"]
    if auth.client_id is not None or auth.client_secret is not None:
        notes.append(
            "salesforce.auth.client_id / client_secret are the older names, read as "
            "consumer_key / consumer_secret (the External Client App's names)"
        )
    return notes
