"""Build the configured CRM connector (the one place that knows both connector classes)."""

from __future__ import annotations

from connector.base import Connector
from sync.config import Settings


def build_connector(settings: Settings) -> Connector:
    """The connector for `settings.crm`, configured from its section of the settings."""
    if settings.crm == "salesforce":
        from connector.salesforce import SalesforceConnector

        return SalesforceConnector(settings.salesforce)
    from connector.hubspot import HubSpotConnector

    return HubSpotConnector(settings.hubspot)
