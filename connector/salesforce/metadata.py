"""Org metadata: stages, owners, the fields that exist, and the permissions dealgate needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.base import Owner, StageInfo
from connector.salesforce import soql
from connector.salesforce.client import SalesforceClient

# (object, permission flag in describeGlobal, what dealgate does with it)
REQUIRED_ACCESS = (
    (soql.OPPORTUNITY, "queryable", "read opportunities"),
    (soql.CONTACT_ROLE, "queryable", "read contact roles"),
    (soql.CONTACT, "queryable", "read contacts"),
    (soql.TASK, "queryable", "read tasks"),
    (soql.TASK, "createable", "create tasks"),
    (soql.TASK, "updateable", "complete tasks"),
)

LINK_PREFIX = "link."
CONTACT_PREFIX = "contact."


def stage_info(row: Mapping[str, Any]) -> StageInfo:
    """One OpportunityStage row as StageInfo; Salesforce stages are org-wide (pipeline None) and
    deals carry the stage's API name in StageName."""
    label = str(row.get("MasterLabel") or "")
    probability = row.get("DefaultProbability")
    return StageInfo(
        pipeline=None,
        stage=str(row.get("ApiName") or label),
        label=label,
        is_closed=bool(row.get("IsClosed")),
        is_won=bool(row.get("IsWon")),
        probability=float(probability) / 100 if probability is not None else None,
        order=int(row.get("SortOrder") or 0),
    )


def owner(row: Mapping[str, Any]) -> Owner:
    """One User row as an Owner."""
    email = row.get("Email")
    return Owner(
        id=str(row["Id"]),
        name=str(row.get("Name") or ""),
        email=str(email) if email else None,
        active=bool(row.get("IsActive")),
    )


def access_problems(objects: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the integration user may not do, one line each, from describe answers by object
    name (describeGlobal entries or full describes)."""
    problems: list[str] = []
    for name, flag, purpose in REQUIRED_ACCESS:
        found = objects.get(name)
        if found is None:
            problems.append(
                f"{name}: not visible to the integration user; dealgate needs to {purpose}"
            )
        elif not found.get(flag):
            problems.append(
                f"{name}: the integration user lacks the {flag} permission; "
                f"dealgate needs to {purpose}"
            )
    return list(dict.fromkeys(problems))


def field_names(describe: Mapping[str, Any], prefix: str = "") -> set[str]:
    """The field API names of a describe answer, prefixed."""
    return {
        prefix + str(item["name"])
        for item in describe.get("fields") or []
        if isinstance(item, Mapping) and item.get("name")
    }


def field_labels(describe: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """The field labels of a describe answer (as Setup and page layouts show them), by name."""
    return {
        prefix + str(item["name"]): str(item["label"])
        for item in describe.get("fields") or []
        if isinstance(item, Mapping) and item.get("name") and item.get("label")
    }


class Metadata:
    """Reads the org's metadata through one client."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client = client
        self.labels: dict[str, str] | None = None  # filled by existing_fields

    def stages(self) -> list[StageInfo]:
        """Every opportunity stage, in the org's order."""
        return [stage_info(row) for row in self.client.rows(soql.stages())]

    def owners(self) -> dict[str, Owner]:
        """Every user by id, active or not."""
        return {found.id: found for found in map(owner, self.client.rows(soql.users()))}

    def existing_fields(self) -> set[str]:
        """Opportunity fields by name, contact-role fields as `link.X`, contact fields as
        `contact.X` (the convention shared with mappings)."""
        deal = self.client.describe(soql.OPPORTUNITY)
        contact = self.client.describe(soql.CONTACT)
        names = field_names(deal)
        names |= field_names(self.client.describe(soql.CONTACT_ROLE), LINK_PREFIX)
        names |= field_names(contact, CONTACT_PREFIX)
        self.labels = field_labels(deal) | field_labels(contact, CONTACT_PREFIX)
        return names

    def check(self) -> list[str]:
        """Problems with the connection or the permissions dealgate needs; [] when none.
        One describeGlobal call: every entry of `GET sobjects/` carries the running user's
        `queryable`, `createable` and `updateable` flags for that object."""
        answer = self.client.rest("sobjects/")
        listed = answer.get("sobjects") if isinstance(answer, Mapping) else None
        objects: dict[str, Mapping[str, Any]] = {
            str(item.get("name")): item for item in listed or [] if isinstance(item, Mapping)
        }
        return access_problems(objects)
