"""What a cycle needs to know about the CRM besides deals: stages, owners, existing fields.

These change rarely (an admin adds a stage, a rep leaves), so the engine reads them on full
cycles and keeps them between: a quiet incremental cycle then costs only its deal reads
(docs/design.md section 4: one call per object read). An owner deactivated between full cycles makes
its new tasks refused one by one (logged and counted); the next full cycle reads the owners
again and gives those tasks to the fallback owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.base import Connector, Owner, StageInfo


@dataclass(frozen=True, slots=True)
class CrmMetadata:
    stages: dict[tuple[str | None, str], StageInfo]
    owners: dict[str, Owner]
    existing: set[str]

    @classmethod
    def read(cls, connector: Connector) -> CrmMetadata:
        """Read the stages, owners and existing deal fields (a few API calls)."""
        stages = {(s.pipeline, s.stage): s for s in connector.stages()}
        return cls(stages, connector.owners(), connector.existing_fields())
