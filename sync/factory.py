"""Build the configured CRM connector (the one place that knows both connector classes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from connector.base import Connector
from connector.errors import Interrupted
from sync.config import Settings

Sleep = Callable[[float], None]


def interruptible_sleep(stop: threading.Event) -> Sleep:
    """A sleep for the connector's retry and rate-limit waits that ends at once when `stop` is
    set, raising Interrupted, so a shutdown never waits out a backoff (within 15 s, as
    docs/design.md asks)."""

    def sleep(seconds: float) -> None:
        if stop.wait(max(0.0, seconds)):
            raise Interrupted("shutdown requested while waiting to retry")

    return sleep


def build_connector(settings: Settings, *, sleep: Sleep = time.sleep) -> Connector:
    """The connector for `settings.crm`, configured from its section of the settings."""
    if settings.crm == "salesforce":
        from connector.salesforce import SalesforceConnector

        return SalesforceConnector(settings.salesforce, sleep=sleep)
    from connector.hubspot import HubSpotConnector

    return HubSpotConnector(settings.hubspot, sleep=sleep)
