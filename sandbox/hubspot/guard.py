"""What HubSpot checks before a route runs: the bearer token, the rate limits, the scopes.

Hooks for `sandbox.http.App.before` (answer early with HubSpot's error JSON) and `App.after`
(rate-limit headers on every answer). The ten-second limiter is a sliding window over a clock
that tests may replace, so its behaviour can be shown without sleeping.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.http import Request, Response
from sandbox.hubspot.credentials import Credentials
from sandbox.hubspot.store import HubSpotStore
from sandbox.hubspot.wire import error, object_type

UNGUARDED_PATHS = re.compile(r"^/oauth/")  # token endpoints carry their credentials in the call

# HubSpot's name for the rolling ten-second limit in a 429 body (its own clients, e.g.
# @hubspot/api-client's RetryDecorator, match on it); "SECONDLY" is the older per-second name.
ROLLING_POLICY = "TEN_SECONDLY_ROLLING"

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. Read more about "
    "required scopes here: https://developers.hubspot.com/scopes."
)


class RateLimiter:
    """At most `max_requests` in any `window` seconds (HubSpot's rolling ten-second policy)."""

    def __init__(
        self, max_requests: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_requests = max_requests
        self.window = window
        self.clock = clock
        self._hits: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._hits and self._hits[0] <= now - self.window:
            self._hits.popleft()

    def take(self) -> bool:
        """Count one request; False when the window is full (the request is refused)."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if len(self._hits) >= self.max_requests:
                return False
            self._hits.append(now)
            return True

    def remaining(self) -> int:
        """Requests still allowed in the current window."""
        with self._lock:
            self._expire(self.clock())
            return max(0, self.max_requests - len(self._hits))


@dataclass
class Guard:
    """Token, limits and scopes of one sandbox; `hooks()` installs it on an App."""

    store: HubSpotStore
    token: str
    limiter: RateLimiter | None = None
    credentials: Credentials = field(default_factory=Credentials)
    daily_limit: int = 500_000
    daily_used: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.credentials.grant(self.token, "private_app")

    def before(self, request: Request) -> Response | None:
        """Refuse a request as HubSpot would, or None to let the route answer."""
        if UNGUARDED_PATHS.match(request.path):
            return None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        credential = self.credentials.lookup(token) if scheme == "Bearer" else None
        if credential is None:
            return error(401, "INVALID_AUTHENTICATION", AUTH_MESSAGE)
        with self._lock:
            if self.daily_used >= self.daily_limit:
                return _rate_limited("DAILY", "You have reached your daily limit.")
            self.daily_used += 1
        if self.limiter is not None and not self.limiter.take():
            return _rate_limited(
                ROLLING_POLICY, f"You have reached your {ROLLING_POLICY.lower()} limit."
            )
        scopes = required_scopes(request.method, request.path)
        granted = self.store.scopes if credential.scopes is None else credential.scopes
        if scopes and granted.isdisjoint(scopes):
            return error(
                403,
                "MISSING_SCOPES",
                SCOPES_MESSAGE,
                errors=[
                    {
                        "message": "One or more of the following scopes are required.",
                        "context": {"requiredGranularScopes": list(scopes)},
                    }
                ],
                links={"scopes": "https://developers.hubspot.com/scopes"},
            )
        return None

    def after(self, request: Request, response: Response) -> None:
        """HubSpot's rate-limit headers on every answer."""
        max_requests, window = (
            (self.limiter.max_requests, self.limiter.window) if self.limiter else (190, 10.0)
        )
        remaining = self.limiter.remaining() if self.limiter else max_requests
        per_second = max(1, round(max_requests / window))
        response.headers.setdefault("X-HubSpot-RateLimit-Daily", str(self.daily_limit))
        response.headers.setdefault(
            "X-HubSpot-RateLimit-Daily-Remaining", str(max(0, self.daily_limit - self.daily_used))
        )
        response.headers.setdefault("X-HubSpot-RateLimit-Secondly", str(per_second))
        response.headers.setdefault(
            "X-HubSpot-RateLimit-Secondly-Remaining", str(min(per_second, remaining))
        )
        response.headers.setdefault("X-HubSpot-RateLimit-Max", str(max_requests))
        response.headers.setdefault("X-HubSpot-RateLimit-Remaining", str(remaining))
        response.headers.setdefault(
            "X-HubSpot-RateLimit-Interval-Milliseconds", str(int(window * 1000))
        )


def _rate_limited(policy: str, message: str) -> Response:
    # No Retry-After, like HubSpot's rolling limit usually: urllib3 would otherwise sleep and
    # retry GETs inside hubspot-api-client, hiding the 429 from the caller.
    return error(
        429, "RATE_LIMITS", message, errorType="RATE_LIMIT", policyName=policy, groupName="api"
    )


_OBJECTS = re.compile(r"^/crm/v3/objects/(?P<type>[^/]+)(?P<rest>/.*)?$")
_PROPERTIES = re.compile(r"^/crm/v3/properties/(?P<type>[^/]+)")
_ASSOCIATIONS = re.compile(r"^/crm/v4/(?:associations|objects)/(?P<type>[^/]+)/")


def _object_scopes(kind: str, access: str) -> tuple[str, ...]:
    """Tasks take their own granular scope or, as before it existed, the contacts one."""
    if kind == "tasks":
        return (f"crm.objects.tasks.{access}", f"crm.objects.contacts.{access}")
    return (f"crm.objects.{kind}.{access}",)


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """The granular scopes HubSpot accepts for a request, any one of them sufficing (empty: no
    scope needed)."""
    if path.startswith("/crm/v3/owners"):
        return ("crm.objects.owners.read",)
    if path.startswith("/crm/v3/pipelines/"):
        return ("crm.objects.deals.read",)
    if m := _OBJECTS.match(path):
        kind = object_type(m["type"])
        rest = m["rest"] or ""
        reading = method == "GET" or rest in {"/search", "/batch/read"}
        return _object_scopes(kind, "read" if reading else "write") if kind else ()
    if m := _PROPERTIES.match(path):
        kind = object_type(m["type"])
        access = "read" if method == "GET" else "write"
        if kind == "tasks":
            return (f"crm.schemas.contacts.{access}",)
        return (f"crm.schemas.{kind}.{access}",) if kind else ()
    if m := _ASSOCIATIONS.match(path):
        kind = object_type(m["type"])
        reading = method == "GET" or path.endswith("/batch/read")
        return _object_scopes(kind, "read" if reading else "write") if kind else ()
    return ()
