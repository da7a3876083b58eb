"""Salesforce's OAuth 2.0 token endpoint, for the flows of an External Client App.

Since Spring '26 new connected apps cannot be created (only by a support exception); External
Client Apps replace them with the same OAuth flows. dealgate posts to
`{login_url}/services/oauth2/token` itself, with the client's requests session (so TLS settings,
call counting and the sandbox apply), for three grants:
- JWT bearer: an RS256 assertion signed with the private key of the certificate uploaded to the
  app (`iss` consumer key, `sub` the integration user, `aud` the login URL, `exp` 3 minutes);
- client credentials: consumer key and secret; the session runs as the app's Run As user;
- password: the OAuth username-password flow (consumer key and secret, user name, password and
  security token), which replaces SOAP API `login()`.

The answer's `access_token` is the session id and `instance_url` the org's URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import requests

from connector.errors import AuthError, ConfigurationError
from connector.settings import SalesforceAuth

TOKEN_PATH = "/services/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
JWT_LIFETIME_SECONDS = 180  # Salesforce accepts an `exp` at most 3 minutes ahead


def login_base(auth: SalesforceAuth, domain: str) -> str:
    """Where to log in: `login_url`, else https://{domain}.salesforce.com."""
    return (auth.login_url or f"https://{domain}.salesforce.com").rstrip("/")


def jwt_assertion(auth: SalesforceAuth, audience: str, now: float) -> str:
    """The signed JWT bearer assertion; ConfigurationError when the key cannot be read."""
    try:
        with open(auth.private_key_file or "", encoding="utf-8") as handle:
            key = handle.read()
    except OSError as exc:
        raise ConfigurationError(
            f"salesforce.auth.private_key_file: cannot read the key: {exc.strerror}"
        ) from None
    claims = {
        "iss": auth.app_key,
        "sub": auth.username,
        "aud": audience,
        "exp": int(now) + JWT_LIFETIME_SECONDS,
    }
    try:
        return jwt.encode(claims, key, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise ConfigurationError(
            f"salesforce.auth.private_key_file: not a usable RSA private key: {exc}"
        ) from None


def token_form(auth: SalesforceAuth, audience: str, now: float) -> dict[str, str]:
    """The form body of the token request for `auth.method`."""
    if auth.method == "jwt":
        return {"grant_type": JWT_GRANT, "assertion": jwt_assertion(auth, audience, now)}
    form = {"client_id": auth.app_key or "", "client_secret": auth.app_secret or ""}
    if auth.method == "client_credentials":
        return {"grant_type": "client_credentials", **form}
    password = auth.password.get_secret_value() if auth.password else ""
    token = auth.security_token.get_secret_value() if auth.security_token else ""
    return {
        "grant_type": "password",
        **form,
        "username": auth.username or "",
        "password": password + token,
    }


def request_token(
    session: requests.Session,
    auth: SalesforceAuth,
    domain: str,
    *,
    timeout: float,
    clock: Callable[[], float] = time.time,
) -> tuple[str, str]:
    """Log in through the token endpoint: (session id, instance URL). A refusal raises
    AuthError naming the flow and Salesforce's reason; network errors propagate."""
    base = login_base(auth, domain)
    response = session.post(
        base + TOKEN_PATH,
        data=token_form(auth, base, clock()),
        headers={"Accept": "application/json"},
        timeout=timeout,
    )
    answer = _json(response)
    if response.status_code != 200:
        reason = answer.get("error_description") or answer.get("error") or response.reason
        raise AuthError(
            f"Salesforce refused the {auth.method} login at {base}: {reason}",
            status=response.status_code,
            code=str(answer.get("error") or "") or None,
        )
    session_id, instance = answer.get("access_token"), answer.get("instance_url")
    if not isinstance(session_id, str) or not isinstance(instance, str):
        raise AuthError(f"Salesforce's token answer at {base} carried no access_token")
    return session_id, instance.rstrip("/")


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        parsed = response.json()
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
