"""What the configured credential may do in the portal, for `check-config`.

A legacy private app's token can be introspected (`/oauth/v2/private-apps/get/access-token-info`)
and so can an OAuth access token (`/oauth/v1/access-tokens/{token}`); a service key or a project
app's static token cannot: HubSpot documents no introspection for them. So dealgate probes each
endpoint it needs with the smallest request that touches nothing (a one-record page, an empty
batch update) and reads HubSpot's answer: 403 `MISSING_SCOPES` names the scope in
`errors[].context.requiredGranularScopes`; any other answer means the scope is granted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connector.errors import PermissionDenied, RequestRejected
from connector.hubspot import vocab
from connector.hubspot.transport import Transport
from connector.settings import HubSpotAuth

# How problem lines name each kind of credential.
CREDENTIAL_NAMES = {
    "service_key": "service key",
    "private_app": "private app token",
    "static_token": "static token",
    "oauth": "OAuth token",
}


@dataclass(frozen=True)
class Probe:
    scopes: tuple[str, ...]  # any one of them suffices
    purpose: str
    request: Callable[[Transport], Any]


def _page(api: str, what: str) -> Callable[[Transport], Any]:
    return lambda t: t.call(what, api, "get_page", limit=1)


PROBES: tuple[Probe, ...] = (
    Probe(vocab.READ_SCOPES[0], "read deals", _page("deals.basic", "deals")),
    Probe(vocab.READ_SCOPES[1], "read contacts", _page("contacts.basic", "contacts")),
    Probe(vocab.READ_SCOPES[2], "read owners", _page("owners", "owners")),
    Probe(
        vocab.READ_SCOPES[3],
        "read deal properties",
        lambda t: t.call("deal properties", "properties", "get_all", vocab.DEALS),
    ),
    Probe(vocab.READ_SCOPES[4], "read tasks", _page("tasks.basic", "tasks")),
    Probe(
        vocab.READ_SCOPES[5],
        "read contact properties",
        lambda t: t.call("contact properties", "properties", "get_all", vocab.CONTACTS),
    ),
    Probe(
        vocab.WRITE_SCOPES[0],
        "create and complete tasks",
        # An empty batch update writes nothing; HubSpot checks the scope before the body.
        lambda t: t.post("task write access", vocab.TASKS_BATCH_UPDATE, {"inputs": []}),
    ),
)


def probe_problems(transport: Transport, auth: HubSpotAuth) -> list[str]:
    """One line per scope the credential lacks, found by probing; [] when it has them all.
    An invalid credential raises AuthError; other failures propagate as CRMError."""
    name = CREDENTIAL_NAMES[auth.method]
    problems: list[str] = []
    for probe in PROBES:
        try:
            probe.request(transport)
        except PermissionDenied as error:
            named = error.scopes or probe.scopes
            problems.append(
                f"HubSpot: the {name} lacks scope {' or '.join(named)} (to {probe.purpose})"
            )
        except RequestRejected:
            continue  # the request itself was refused (e.g. an empty batch): the scope is there
    return problems
