"""A local HubSpot (CRM v3/v4) that hubspot-api-client talks to unmodified over plain HTTP.

    with sandbox.hubspot.start() as hs:                 # the demo portal on a free port
        client = HubSpot(access_token=hs.token, host=hs.url)
        hs.store.create("deals", {"dealname": "x"})    # arrange data directly
        hs.app.inject("POST", "/search", Fault(429))    # and faults
        hs.app.counts()                                 # requests per route
        hs.credentials.grant("key-1", "service_key", ["crm.objects.deals.read"])  # more tokens

`seed="demo"` loads the demo portal, None an empty one (standard properties and pipelines only), a
dict or a path a seed file (see `seed.py`). `rate_limit=(100, 10.0)` turns on HubSpot's rolling
limit: the 101st request within ten seconds gets a 429.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.http import App, Request, Server
from sandbox.hubspot.demo import demo_seed
from sandbox.hubspot.guard import Guard, RateLimiter
from sandbox.hubspot.routes_auth import AuthRoutes
from sandbox.hubspot.routes_meta import MetaRoutes
from sandbox.hubspot.routes_objects import ObjectRoutes
from sandbox.hubspot.seed import load, read_seed
from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.wire import error_body

__all__ = ["HubSpotSandbox", "HubSpotStore", "build_app", "start"]


class HubSpotApp(App):
    """An App whose unknown routes answer like HubSpot's (404 with its error JSON)."""

    def not_found_body(self, request: Request) -> Any:
        return error_body(
            "OBJECT_NOT_FOUND", f"Unable to find a route for {request.method} {request.path}"
        )


def build_app(store: HubSpotStore, guard: Guard) -> HubSpotApp:
    """The HubSpot routes over a store, guarded by token, limits and scopes."""
    app = HubSpotApp("hubspot")
    ObjectRoutes(store).register(app)
    MetaRoutes(store).register(app)
    AuthRoutes(store, guard.credentials).register(app)
    app.before.append(guard.before)
    app.after.append(guard.after)
    return app


class HubSpotSandbox:
    """A running sandbox: `url`, `token`, `app` (faults, request log), `store` (data)."""

    def __init__(
        self, store: HubSpotStore, token: str, port: int, limiter: RateLimiter | None
    ) -> None:
        self.store = store
        self.token = token
        self.guard = Guard(store, token, limiter)
        self.credentials = self.guard.credentials
        self.limiter = limiter
        self.app: App = build_app(store, self.guard)
        self._server = Server(self.app, port=port)
        self._stopped = False

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`"""
        return self._server.url

    def start(self) -> HubSpotSandbox:
        """Serve in a background thread."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving; safe to call more than once."""
        if not self._stopped:
            self._stopped = True
            self._server.stop()

    def __enter__(self) -> HubSpotSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    *,
    seed: str | dict[str, Any] | Path | None = "demo",
    port: int = 0,
    token: str = "sandbox",
    rate_limit: tuple[int, float] | None = None,
) -> HubSpotSandbox:
    """Start a HubSpot sandbox on 127.0.0.1 (port 0 picks a free one) and return it, running."""
    store = HubSpotStore()
    if seed == "demo":
        load(store, demo_seed())
    elif isinstance(seed, dict):
        load(store, seed)
    elif seed is not None:
        load(store, read_seed(seed))
    limiter = RateLimiter(*rate_limit) if rate_limit else None
    return HubSpotSandbox(store, token, port, limiter).start()
