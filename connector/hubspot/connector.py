"""`HubSpotConnector`: the `connector.base.Connector` for HubSpot CRM v3/v4.

A thin facade: requests go through `transport` (auth, rate limits, retries, error
translation), reads through `streams`, writes through `writes`, schema through `schema`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from connector.answers import guarded
from connector.base import (
    Cursor,
    DealStream,
    DealUpdate,
    Owner,
    RawTask,
    ReadSpec,
    StageInfo,
    TaskComplete,
    TaskCreate,
    UpdateResult,
    WriteResult,
)
from connector.errors import (
    AuthError,
    ConfigurationError,
    CRMError,
    PermissionDenied,
    RequestRejected,
)
from connector.hubspot import access, schema, vocab
from connector.hubspot.deal_writes import update_deals
from connector.hubspot.reads import deleted_deals, marker_tasks_by_deal
from connector.hubspot.records import stage_infos
from connector.hubspot.streams import ReadContext, changed_read, full_read
from connector.hubspot.transport import Transport
from connector.hubspot.writes import TaskWriter
from connector.names import person_name
from connector.retry import RetryPolicy
from connector.settings import HubSpotSettings

STAGES_TTL_SECONDS = 600.0  # pipelines change rarely; one read serves a run


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HubSpotConnector:
    """dealgate's HubSpot connector (service key, private app or static token, or OAuth)."""

    crm = "hubspot"
    crm_name = "HubSpot"

    def __init__(
        self,
        settings: HubSpotSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.transport = Transport(settings, sleep=sleep, clock=clock, policy=policy)
        self._clock = clock
        self._now = now
        self._writer = TaskWriter(self.transport, now)
        self._stages: tuple[float, list[StageInfo]] | None = None
        self._labels: dict[str, str] | None = None

    @property
    def api_calls(self) -> int:
        """HTTP requests made so far (retries and token refreshes included)."""
        return self.transport.api_calls

    def last_request(self) -> str:
        """The name of the latest request (errors about its answer name it)."""
        return self.transport.last_request

    # -- connection and schema ---------------------------------------------------------------
    def _granted_scopes(self) -> set[str] | None:
        """Scopes of the credential from HubSpot's introspection endpoints, None where HubSpot
        has none for it (service keys, static tokens) or it answered with no list."""
        method = self.transport.auth.method
        try:
            if method == "oauth" and not self.transport.token:
                self.transport.refresh()  # the token to introspect
            if method == "oauth":
                answer = self.transport.call(
                    "OAuth token check", "oauth.access_tokens", "get", self.transport.token
                )
            elif method == "private_app":
                answer = self.transport.post(
                    "access token check",
                    vocab.PRIVATE_APP_TOKEN_INFO,
                    {"tokenKey": self.transport.token},
                )
            else:
                return None
        except RequestRejected:
            return None
        scopes = answer.get("scopes")
        return {str(s) for s in scopes} if isinstance(scopes, list) else None

    def _scope_problems(self) -> list[str]:
        """Missing scopes: from introspection where HubSpot offers it, else by probing."""
        scopes = self._granted_scopes()
        if scopes is None:
            return access.probe_problems(self.transport, self.transport.auth)
        name = access.CREDENTIAL_NAMES[self.transport.auth.method]
        return [
            f"HubSpot: the {name} lacks scope {' or '.join(probe.scopes)} (to {probe.purpose})"
            for probe in access.PROBES
            if scopes.isdisjoint(probe.scopes)
        ]

    @guarded
    def check(self) -> list[str]:
        """Credential valid, scopes granted, task->deal association type known; problem
        lines."""
        try:
            problems = self._scope_problems()
        except AuthError as error:
            return [f"HubSpot: {error.message}"]
        except CRMError as error:
            return [f"HubSpot at {self.settings.base_url}: {error}"]
        if problems:
            return problems
        probes: list[tuple[str, Callable[[], object]]] = [
            ("pipelines", self.stages),
            ("deal properties", self.existing_fields),
            ("owners", self.owners),
            ("task->deal association type", self._writer.association_type),
        ]
        for name, probe in probes:
            try:
                probe()
            except (PermissionDenied, ConfigurationError, RequestRejected) as error:
                problems.append(f"HubSpot: cannot read {name}: {error.message}")
            except AuthError as error:
                return [f"HubSpot: {error.message}"]
        return problems

    @guarded
    def existing_fields(self) -> set[str]:
        """Deal property names, plus `contact.<name>` for contact properties."""
        deals = self.transport.call("deal properties", "properties", "get_all", vocab.DEALS)
        contacts = self.transport.call(
            "contact properties", "properties", "get_all", vocab.CONTACTS
        )
        labels = {str(p["name"]): str(p.get("label") or "") for p in deals.get("results") or []}
        labels |= {
            f"contact.{p['name']}": str(p.get("label") or "") for p in contacts.get("results") or []
        }
        self._labels = {name: label for name, label in labels.items() if label}
        return set(labels)

    def field_labels(self) -> dict[str, str]:
        """Property labels by name (`contact.` for contact properties), as HubSpot shows them."""
        if self._labels is None:
            self.existing_fields()
        return dict(self._labels or {})

    @guarded
    def install_schema(
        self, dry_run: bool = False, labels: Mapping[str, str] | None = None
    ) -> list[str]:
        """Create dealgate's deal properties and association labels where missing; `labels`
        gives properties their label by attribute (`schema.install_schema`)."""
        return schema.install_schema(self.transport, dry_run, labels)

    @guarded
    def stages(self) -> list[StageInfo]:
        """Every deal pipeline's stages (read once per run, then cached for a few minutes)."""
        now = self._clock()
        if self._stages is None or now - self._stages[0] > STAGES_TTL_SECONDS:
            answer = self.transport.call("deal pipelines", "pipelines", "get_all", vocab.DEALS)
            self._stages = (now, stage_infos(answer.get("results") or []))
        return list(self._stages[1])

    @guarded
    def owners(self) -> dict[str, Owner]:
        """Active owners and deactivated (archived) ones, by owner id."""
        found: dict[str, Owner] = {}
        for archived in (False, True):
            after: str | None = None
            while True:
                kwargs: dict[str, Any] = {
                    "limit": 500,
                    "archived": "true" if archived else "false",
                }
                if after is not None:
                    kwargs["after"] = after
                page = self.transport.call("owners", "owners", "get_page", **kwargs)
                for owner in page.get("results") or []:
                    name = person_name(owner.get("firstName"), owner.get("lastName"))
                    owner_id = str(owner["id"])
                    found.setdefault(
                        owner_id,
                        Owner(
                            owner_id,
                            name or str(owner.get("email") or owner_id),
                            owner.get("email"),
                            active=not archived,
                        ),
                    )
                after = ((page.get("paging") or {}).get("next") or {}).get("after")
                if not after:
                    break
        return found

    # -- reads ---------------------------------------------------------------------------------
    def _context(self, spec: ReadSpec) -> ReadContext:
        return ReadContext(
            self.transport,
            spec,
            self._now(),
            self.settings.lookback_minutes * 60_000,
            self._writer.written,
        )

    @guarded
    def read_all(self, spec: ReadSpec) -> DealStream:
        """Every live deal with its contacts and marker tasks, streamed 1,000 at a time."""
        return full_read(self._context(spec))

    @guarded
    def read_changed(self, spec: ReadSpec, since: Cursor) -> DealStream:
        """Deals changed since `since`, through deal, contact and task modification times."""
        return changed_read(self._context(spec), since)

    @guarded
    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        """Deals HubSpot confirms archived or not found (`reads.deleted_deals`)."""
        return deleted_deals(self.transport, list(deal_ids))

    @guarded
    def find_marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        """Every dealgate task (open or not) on these deals, via associations + batch read."""
        return marker_tasks_by_deal(self.transport, list(deal_ids), self._now(), None)

    # -- writes --------------------------------------------------------------------------------
    @guarded
    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        """Create and complete tasks in batches of 100; one result per item."""
        return self._writer.create(creates) + self._writer.complete(completions)

    @guarded
    def update_deals(self, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
        """Set deal properties by batch update, 100 a call; per-deal refusals are results."""
        return update_deals(self.transport, updates)
