"""HubSpot's OAuth and token routes: the token endpoint (refresh grant) and introspection.

`POST /oauth/v1/token` takes a form body (`grant_type=refresh_token`, `client_id`,
`client_secret`, `refresh_token`) and answers `{access_token, refresh_token, expires_in,
token_type}`, or 400 with `status` BAD_CLIENT_ID / BAD_REFRESH_TOKEN / BAD_GRANT_TYPE.
Introspection knows one kind each: `POST /oauth/v2/private-apps/get/access-token-info`
private-app tokens, `GET /oauth/v1/access-tokens/{token}` OAuth access tokens.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from sandbox.http import App, Request, Response
from sandbox.hubspot.credentials import ACCESS_TOKEN_SECONDS, Credentials
from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.wire import error, not_found


class AuthRoutes:
    """The token endpoint and the two introspection endpoints of one portal."""

    def __init__(self, store: HubSpotStore, credentials: Credentials) -> None:
        self.store = store
        self.credentials = credentials

    def register(self, app: App) -> None:
        """Add the routes to an App."""
        app.add_route("POST", "/oauth/v1/token", "token.create", self.token)
        app.add_route(
            "POST", "/oauth/v2/private-apps/get/access-token-info", "token.read", self.token_info
        )
        app.add_route("GET", "/oauth/v1/access-tokens/(?P<token>[^/]+)", "token.get", self.oauth)

    def _scopes(self, token: str, kind: str) -> list[str] | None:
        credential = self.credentials.lookup(token)
        if credential is None or credential.kind != kind:
            return None
        with self.store.lock:
            granted = self.store.scopes if credential.scopes is None else credential.scopes
            return sorted(granted)

    def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8")).items()}
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"status": "BAD_GRANT_TYPE", "message": "unsupported grant_type"})
        status, value = self.credentials.refresh(
            form.get("client_id", ""), form.get("client_secret", ""), form.get("refresh_token", "")
        )
        if status != "OK":
            return Response(400, {"status": status, "message": value})
        return Response(
            200,
            {
                "access_token": value,
                "refresh_token": form["refresh_token"],
                "expires_in": ACCESS_TOKEN_SECONDS,
                "token_type": "bearer",
            },
        )

    def token_info(self, request: Request) -> Response:
        body = request.json() or {}
        scopes = self._scopes(str(body.get("tokenKey") or ""), "private_app")
        if scopes is None:
            return error(401, "INVALID_AUTHENTICATION", "The access token is not valid.")
        return Response(
            200,
            {"userId": 9_000_001, "hubId": self.store.hub_id, "appId": 3_141_592, "scopes": scopes},
        )

    def oauth(self, request: Request) -> Response:
        token = request.params["token"]
        scopes = self._scopes(token, "oauth")
        if scopes is None:
            return not_found("Token not found")
        return Response(
            200,
            {
                "token": token,
                "user": "admin@example.com",
                "hub_domain": "sandbox.example.com",
                "scopes": scopes,
                "hub_id": self.store.hub_id,
                "app_id": 3_141_592,
                "expires_in": ACCESS_TOKEN_SECONDS,
                "user_id": 9_000_001,
                "token_type": "access",
            },
        )
