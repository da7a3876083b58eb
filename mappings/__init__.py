"""CRM stage -> phase, CRM field -> deal attribute, CRM contact role -> key person.

`load_mapping(crm, source)` reads the bundled default (`mappings/builtin/<crm>.yaml`) or a
mapping file of the user's; `CrmMapping.normalize` turns a connector's `RawDeal` into the
`DealSnapshot` that gates read.
"""

from mappings.errors import MappingError
from mappings.loader import load_mapping, parse_mapping
from mappings.mapping import CrmMapping
from mappings.normalize import Normalized, UnmappedStage

__all__ = [
    "CrmMapping",
    "MappingError",
    "Normalized",
    "UnmappedStage",
    "load_mapping",
    "parse_mapping",
]
