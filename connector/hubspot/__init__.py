"""The HubSpot connector (CRM v3/v4 through hubspot-api-client).

vocab       HubSpot's names, limits and scopes (constants only)
errors      client and network errors -> connector.errors, by status
ratelimit   client-side rate limiter fitted to the tier and the answer headers
transport   every request: rate limit, retries, token refresh, request count
records     HubSpot JSON -> RawDeal / RawContact / RawTask / StageInfo
search      search scans past the 10,000-result cap
reads       associations v4 and batch reads; deals hydrated 1,000 at a time
cursor      the incremental cursor (timestamp marks with a seen-window)
streams     the full and incremental deal streams
writes      task batch create / complete, results matched by content
schema      `schema install`: dealgate properties and association labels
connector   HubSpotConnector, the facade
"""

from connector.hubspot.connector import HubSpotConnector

__all__ = ["HubSpotConnector"]
