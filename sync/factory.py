"""Build the configured CRM connector (the one place that knows both connector classes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from connector.base import Connector
from connector.errors import Interrupted
from connector.retry import RetryPolicy
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


INTERACTIVE_UNREACHABLE_ATTEMPTS = 2  # a refused port or unknown host: one retry, then the error


def build_connector(
    settings: Settings, *, sleep: Sleep = time.sleep, interactive: bool = False
) -> Connector:
    """The connector for `settings.crm`, configured from its section of the settings.

    `interactive` (check-config, audit, schema install, run --once): a CRM that cannot be
    reached at all (connection refused, unknown host) fails after one quick retry, naming the
    address, instead of the daemon's full backoff; every other retry stays as configured."""
    if settings.crm == "salesforce":
        from connector.salesforce import SalesforceConnector

        sf = settings.salesforce
        return SalesforceConnector(
            sf, sleep=sleep, policy=_policy(sf.retry_attempts, sf.max_retry_seconds, interactive)
        )
    from connector.hubspot import HubSpotConnector

    hs = settings.hubspot
    return HubSpotConnector(
        hs, sleep=sleep, policy=_policy(hs.retry_attempts, hs.max_retry_seconds, interactive)
    )


def _policy(attempts: int, max_wait_seconds: float, interactive: bool) -> RetryPolicy:
    return RetryPolicy(
        attempts=attempts,
        max_wait_seconds=max_wait_seconds,
        unreachable_attempts=INTERACTIVE_UNREACHABLE_ATTEMPTS if interactive else None,
    )
