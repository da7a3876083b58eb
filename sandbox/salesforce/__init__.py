"""A local Salesforce that simple-salesforce talks to unmodified, over HTTPS.

    with sandbox.salesforce.start() as sf:            # demo data; seed=None starts empty
        client = Salesforce(instance_url=sf.url, session_id=sf.token, session=...)
        sf.store.insert("Opportunity", {...})          # direct control from tests
        sf.app.inject("GET", "/query", Fault(503))     # faults, request log, counts
        sf.login.add_app("3MVG9...", "secret", ["client_credentials"], run_as="int@x.com")

A faithful model of the REST API's behaviour (SOQL with paging and child subqueries, sObject
and sObject Collections writes with Salesforce's validation, describe, limits, updated/deleted
replication, sessions that expire, daily API limits), not a stub that echoes. It imports nothing
from the rest of dealgate, so a connector bug cannot hide behind a matching sandbox bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox import tls
from sandbox.http import App, Server
from sandbox.salesforce.oauth import LoginServer
from sandbox.salesforce.routes import MAX_VERSION, build_app
from sandbox.salesforce.seed import load
from sandbox.salesforce.store import SalesforceStore

__all__ = ["SalesforceSandbox", "SalesforceStore", "start"]


class SalesforceSandbox:
    """A running sandbox org: its URL, CA file, session token, app (faults, log) and store."""

    def __init__(
        self, server: Server, app: App, store: SalesforceStore, token: str, login: LoginServer
    ) -> None:
        self._server = server
        self.app = app
        self.store = store
        self.token = token
        self.url = server.url
        self.login = login  # External Client Apps and user passwords of the token endpoint
        login.url = server.url
        self.ca_file = tls.ca_file()
        self._stopped = False

    def stop(self) -> None:
        """Shut the server down; calling it again does nothing."""
        if not self._stopped:
            self._stopped = True
            self._server.stop()

    def __enter__(self) -> SalesforceSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    *,
    seed: str | Mapping[str, Any] | None = "demo",
    port: int = 0,
    token: str = "sandbox",
    batch_size: int = 2000,
    api_limit: int = 100_000,
    max_version: str = MAX_VERSION,
) -> SalesforceSandbox:
    """Start a sandbox org on 127.0.0.1 over HTTPS.

    `seed` is "demo", None (empty org), a seed mapping or the path of a JSON/YAML seed file
    (see `sandbox.salesforce.seed`); `batch_size` caps the rows of a query page; `api_limit`
    is the daily API request limit; API versions up to `max_version` are served.
    """
    store = SalesforceStore(token=token, api_limit=api_limit)
    load(store, seed)
    login = LoginServer(store)
    app = build_app(store, batch_size=batch_size, login=login, max_version=max_version)
    server = Server(app, port=port, ssl_context=tls.server_context()).start()
    return SalesforceSandbox(server, app, store, token, login)
