"""The org's login server: `POST /services/oauth2/token` for External Client Apps.

Three grants, as Salesforce's token endpoint takes them (form body):
- `urn:ietf:params:oauth:grant-type:jwt-bearer` with `assertion`: an RS256 JWT signed by the key
  of the certificate uploaded to the app, `iss` the consumer key, `sub` a user the app's policies
  permit (pre-authorized), `aud` this login server's URL, `exp` in the future;
- `client_credentials` with `client_id` and `client_secret`: the session runs as the app's
  Run As user;
- `password` with `client_id`, `client_secret`, `username`, `password` (+ security token): the
  OAuth username-password flow.

A grant the app has not enabled, an unknown app, a bad secret, signature or password answer 400
with Salesforce's `{"error", "error_description"}`. A success issues a live session and answers
`{"access_token", "instance_url", "id", "token_type", "issued_at"}`. SOAP API `login()` is not
served: simple-salesforce can only send it to *.salesforce.com.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from sandbox.http import Request, Response
from sandbox.salesforce.store import SalesforceStore

TOKEN_PATH = "/services/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GRANTS = {JWT_GRANT: "jwt", "client_credentials": "client_credentials", "password": "password"}


@dataclass
class ClientApp:
    """An External Client App: its OAuth settings and policies."""

    consumer_key: str
    consumer_secret: str
    flows: frozenset[str]  # "jwt", "client_credentials", "password"
    certificate: str | None = None  # PEM certificate or public key (JWT bearer)
    run_as: str | None = None  # client credentials: the Run As user's user name
    permitted: frozenset[str] = frozenset()  # pre-authorized users (JWT bearer)


@dataclass
class LoginServer:
    """The apps and user passwords the token endpoint knows; `url` is set once serving."""

    store: SalesforceStore
    url: str = ""
    _apps: dict[str, ClientApp] = field(default_factory=dict)
    _passwords: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_app(
        self,
        consumer_key: str,
        consumer_secret: str,
        flows: Iterable[str],
        *,
        certificate: str | None = None,
        run_as: str | None = None,
        permitted: Iterable[str] = (),
    ) -> ClientApp:
        """Register an External Client App with the flows its OAuth settings enable."""
        app = ClientApp(
            consumer_key,
            consumer_secret,
            frozenset(flows),
            certificate,
            run_as,
            frozenset(permitted),
        )
        with self._lock:
            self._apps[consumer_key] = app
        return app

    def add_user(self, username: str, password: str) -> None:
        """A user who can log in with a password (already including any security token)."""
        with self._lock:
            self._passwords[username] = password

    # the endpoint ---------------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8")).items()}
        flow = GRANTS.get(form.get("grant_type", ""))
        if flow is None:
            return _refused("unsupported_grant_type", "grant type not supported")
        key = form.get("client_id") or _issuer(form.get("assertion"))
        with self._lock:
            app = self._apps.get(key or "")
            passwords = dict(self._passwords)
        if app is None:
            return _refused("invalid_client_id", "client identifier invalid")
        if flow not in app.flows:
            return _refused("invalid_grant", f"the {flow} flow is not enabled for this app")
        if flow != "jwt" and form.get("client_secret") != app.consumer_secret:
            return _refused("invalid_client", "invalid client credentials")
        if flow == "jwt":
            user = self._jwt_user(app, form.get("assertion", ""))
        elif flow == "client_credentials":
            user = app.run_as
            if user is None:
                return _refused("invalid_grant", "no client credentials user enabled")
        else:
            username = form.get("username", "")
            user = username if passwords.get(username) == form.get("password") else None
        if user is None:
            return _refused("invalid_grant", "authentication failure")
        return Response(
            200,
            {
                "access_token": self.store.issue_token(),
                "instance_url": self.url,
                "id": f"{self.url}/id/00D5j000000SandBEAS/005000000000001AAA",
                "token_type": "Bearer",
                "issued_at": str(int(time.time() * 1000)),
            },
        )

    def _jwt_user(self, app: ClientApp, assertion: str) -> str | None:
        if app.certificate is None:
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                _public_key(app.certificate),
                algorithms=["RS256"],
                audience=self.url,
                issuer=app.consumer_key,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except (jwt.PyJWTError, ValueError):
            return None
        user = str(claims["sub"])
        return user if user in app.permitted else None


def _issuer(assertion: str | None) -> str | None:
    if not assertion:
        return None
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss")
    return str(issuer) if issuer else None


def _public_key(pem: str) -> Any:
    data = pem.encode("ascii")
    if b"BEGIN CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    return load_pem_public_key(data)


def _refused(error: str, description: str) -> Response:
    return Response(400, {"error": error, "error_description": description})
