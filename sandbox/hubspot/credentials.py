"""The portal's credentials: which bearer tokens HubSpot accepts and with which scopes.

Every kind dealgate can be configured with lives here: a legacy private app's access token, a
service key (Development > Keys > Service keys), a project app's static access token, and OAuth
access tokens, which only the token endpoint issues, from an installed app's refresh token.
The sandbox's own token is a private app token holding `store.scopes` (so tests that take a
scope away from the portal keep working); every other credential carries its own scopes.

Introspection answers as HubSpot's endpoints do: the private-app endpoint knows private-app
tokens only, the OAuth endpoint OAuth access tokens only. Service keys and static tokens have
none, which is why `check-config` probes the endpoints dealgate needs instead.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["private_app", "service_key", "static_token", "oauth"]
ACCESS_TOKEN_SECONDS = 1800  # HubSpot's OAuth access tokens live 30 minutes


@dataclass
class Credential:
    kind: Kind
    scopes: frozenset[str] | None  # None: the portal's `store.scopes` (the sandbox token)


@dataclass
class OAuthApp:
    client_id: str
    client_secret: str
    installs: dict[str, frozenset[str]] = field(default_factory=dict)  # refresh token -> scopes


@dataclass
class Credentials:
    """Tokens by value, and the OAuth apps whose refresh tokens the token endpoint takes."""

    _tokens: dict[str, Credential] = field(default_factory=dict)
    _apps: dict[str, OAuthApp] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, token: str, kind: Kind, scopes: Iterable[str] | None = None) -> str:
        """Accept `token` as a credential of `kind` with `scopes` (None: the portal's)."""
        with self._lock:
            self._tokens[token] = Credential(kind, None if scopes is None else frozenset(scopes))
        return token

    def revoke(self, token: str) -> None:
        """Stop accepting `token` (an expired OAuth access token, a deleted key)."""
        with self._lock:
            self._tokens.pop(token, None)

    def lookup(self, token: str) -> Credential | None:
        with self._lock:
            return self._tokens.get(token)

    def register_app(
        self, client_id: str, client_secret: str, refresh_token: str, scopes: Iterable[str]
    ) -> None:
        """An OAuth app installed in the portal with `scopes`, holding `refresh_token`."""
        with self._lock:
            app = self._apps.setdefault(client_id, OAuthApp(client_id, client_secret))
            app.client_secret = client_secret
            app.installs[refresh_token] = frozenset(scopes)

    def refresh(self, client_id: str, client_secret: str, refresh_token: str) -> tuple[str, str]:
        """("OK", a new OAuth access token) for a known app and refresh token, else (HubSpot's
        error status, its message)."""
        with self._lock:
            app = self._apps.get(client_id)
            if app is None or not secrets.compare_digest(app.client_secret, client_secret):
                return ("BAD_CLIENT_ID", "missing or invalid client id or secret")
            scopes = app.installs.get(refresh_token)
            if scopes is None:
                return ("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
            token = "oauth-" + secrets.token_urlsafe(24)
            self._tokens[token] = Credential("oauth", scopes)
            return ("OK", token)
