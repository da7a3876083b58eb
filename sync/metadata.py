"""What a cycle needs to know about the CRM besides deals: stages, owners, existing fields.

These change rarely (an admin adds a stage, a rep leaves), so the engine reads them on full
cycles and keeps them between: a quiet incremental cycle then costs only its deal reads
(docs/design.md section 4: one call per object read). An owner deactivated between full cycles makes
its new tasks refused one by one (logged and counted); the next full cycle reads the owners
again and gives those tasks to the fallback owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from connector.base import Connector, Owner, StageInfo
from mappings import CrmMapping


@dataclass(frozen=True, slots=True)
class CrmMetadata:
    stages: dict[tuple[str | None, str], StageInfo]
    owners: dict[str, Owner]
    existing: set[str]
    labels: dict[str, str] = field(default_factory=dict)  # field name -> the CRM's label

    @classmethod
    def read(cls, connector: Connector) -> CrmMetadata:
        """Read the stages, owners and existing deal fields with their labels (a few API
        calls; the labels come with the fields)."""
        stages = {(s.pipeline, s.stage): s for s in connector.stages()}
        existing = connector.existing_fields()
        return cls(stages, connector.owners(), existing, connector.field_labels())


def attribute_labels(mapping: CrmMapping, labels: Mapping[str, str]) -> dict[str, str]:
    """attribute -> the label the CRM shows for the field the mapping puts behind it (tasks
    name fields this way); attributes whose field has no known label are left out."""
    found: dict[str, str] = {}
    for attribute, name in mapping.attribute_fields():
        label = labels.get(name)
        if label:
            found[attribute] = label
    return found
