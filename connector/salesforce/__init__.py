"""The Salesforce connector (REST API through simple-salesforce).

    SalesforceConnector(settings, *, session=None, sleep=time.sleep, login=None, policy=None)

Modules: `client` (auth, TLS, errors, retries, quota, call count), `soql` (every query),
`records` (JSON to raw records), `cursor` (incremental watermarks), `reader`, `writer`,
`metadata` (stages, owners, fields, permissions), `schema` (the custom fields to create).
"""

from connector.salesforce.auth import SessionInfo
from connector.salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector", "SessionInfo"]
