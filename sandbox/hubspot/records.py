"""The portal's row types: a CRM record, an owner, and the scopes a full private app holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.hubspot.wire import iso_ms

ALL_SCOPES: tuple[str, ...] = (
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.owners.read",
    "crm.objects.tasks.read",
    "crm.objects.tasks.write",
    "crm.schemas.deals.read",
    "crm.schemas.deals.write",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
)


@dataclass(slots=True)
class Record:
    """One CRM object. `stale` is what search still sees until `lag_until_ms`."""

    id: int
    props: dict[str, str]
    created_ms: int
    updated_ms: int
    archived_ms: int | None = None
    lag_until_ms: int = 0
    stale: tuple[dict[str, str], int] | None = None


@dataclass
class Owner:
    """A HubSpot user who can own records; archived owners are deactivated users."""

    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    archived: bool
    created_ms: int
    updated_ms: int
    teams: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `PublicOwner` JSON."""
        return {
            "id": self.id,
            "email": self.email,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userId": None if self.archived else self.user_id,
            "userIdIncludingInactive": self.user_id,
            "type": "PERSON",
            "createdAt": iso_ms(self.created_ms),
            "updatedAt": iso_ms(self.updated_ms),
            "archived": self.archived,
            "teams": self.teams,
        }
