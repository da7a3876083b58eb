"""`SalesforceConnector`: the `connector.base.Connector` for Salesforce, assembled from the
client (auth, errors, retries, quota), the reader, the writer and the metadata reader."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import requests

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
from connector.errors import CRMError
from connector.retry import RetryPolicy
from connector.salesforce.auth import Login
from connector.salesforce.client import SalesforceClient
from connector.salesforce.deal_writer import DealWriter
from connector.salesforce.metadata import Metadata
from connector.salesforce.reader import DealReader
from connector.salesforce.writer import TaskWriter
from connector.settings import SalesforceSettings


class SalesforceConnector:
    """Reads opportunities with their contact roles and dealgate tasks; writes tasks.

    `login` replaces the built-in login flows (password, JWT, client credentials), e.g. for a
    test server; it returns a fresh `SessionInfo` each time it is called.
    """

    crm = "salesforce"
    crm_name = "Salesforce"

    def __init__(
        self,
        settings: SalesforceSettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        login: Login | None = None,
        policy: RetryPolicy | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.client = SalesforceClient(
            settings, session=session, sleep=sleep, login=login, policy=policy
        )
        self._reader = DealReader(self.client, timedelta(minutes=settings.lookback_minutes), now)
        self._writer = TaskWriter(self.client, self.find_marker_tasks, sleep)
        self._metadata = Metadata(self.client)
        self._deals = DealWriter(self.client)

    @property
    def api_calls(self) -> int:
        """HTTP requests made so far (retries and logins included)."""
        return self.client.requests_made

    def last_request(self) -> str:
        """The name of the latest request (errors about its answer name it)."""
        return self.client.last_request

    @guarded
    def check(self) -> list[str]:
        """Connection and permission problems, one line each; [] when dealgate can work."""
        try:
            return self._metadata.check()
        except CRMError as error:
            return [f"cannot use Salesforce at {self.settings.instance_url}: {error}"]

    @guarded
    def existing_fields(self) -> set[str]:
        """Opportunity fields, `link.` contact-role fields and `contact.` contact fields."""
        return self._metadata.existing_fields()

    @guarded
    def field_labels(self) -> dict[str, str]:
        """Opportunity and `contact.` field labels, from the describes of `existing_fields`."""
        if self._metadata.labels is None:
            self._metadata.existing_fields()
        return dict(self._metadata.labels or {})

    @guarded
    def stages(self) -> list[StageInfo]:
        """Opportunity stages (org-wide: pipeline None)."""
        return self._metadata.stages()

    @guarded
    def owners(self) -> dict[str, Owner]:
        """Users by id."""
        return self._metadata.owners()

    @guarded
    def read_all(self, spec: ReadSpec) -> DealStream:
        """Every opportunity, deleted ones excluded; its cursor is empty."""
        return self._reader.read_all(spec)

    @guarded
    def read_changed(self, spec: ReadSpec, since: Cursor) -> DealStream:
        """Opportunities changed since the cursor, or whose contact roles, contacts or tasks
        changed; an empty cursor reads everything and starts the cursor."""
        return self._reader.read_changed(spec, since)

    @guarded
    def confirm_deleted(self, deal_ids: Sequence[str]) -> set[str]:
        """Opportunities queryAll shows deleted (`DealReader.confirm_deleted`)."""
        return self._reader.confirm_deleted(deal_ids)

    @guarded
    def find_marker_tasks(self, deal_ids: Sequence[str]) -> dict[str, list[RawTask]]:
        """Every dealgate task (open or closed) on these deals, read from Task directly."""
        return self._reader.marker_tasks(deal_ids)

    @guarded
    def write(
        self, creates: Sequence[TaskCreate], completions: Sequence[TaskComplete]
    ) -> list[WriteResult]:
        """Create and complete tasks, 200 a call; per-record refusals are results."""
        return self._writer.write(creates, completions)

    @guarded
    def update_deals(self, updates: Sequence[DealUpdate]) -> list[UpdateResult]:
        """Set opportunity fields, 200 a call; per-record refusals are results."""
        return self._deals.update(updates)
