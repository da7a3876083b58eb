"""sObject describe results, built from the org's current schema (so removed fields vanish)."""

from __future__ import annotations

from typing import Any

from sandbox.salesforce.schema import Field, SObjectType

_UNFILTERABLE_LENGTH = 255


def describe_field(item: Field) -> dict[str, Any]:
    """One entry of a describe result's `fields`."""
    long_text = item.type == "textarea" and item.length > _UNFILTERABLE_LENGTH
    return {
        "name": item.name,
        "label": item.label,
        "type": item.type,
        "length": item.length
        if item.type in ("string", "textarea", "picklist", "combobox", "email", "id", "reference")
        else 0,
        "custom": item.custom,
        "createable": item.createable,
        "updateable": item.updateable,
        "nillable": not item.required and item.type != "boolean",
        "defaultedOnCreate": item.default is not None or item.system,
        "defaultValue": item.default,
        "filterable": not long_text,
        "sortable": not long_text,
        "restrictedPicklist": item.restricted,
        "picklistValues": [
            {"active": True, "defaultValue": value == item.default, "label": value, "value": value}
            for value in item.picklist
        ],
        "referenceTo": list(item.reference_to),
        "relationshipName": item.relationship,
    }


def describe(sobject: SObjectType, version: str) -> dict[str, Any]:
    """The `sobjects/{Type}/describe` body."""
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    return {
        "name": sobject.name,
        "label": sobject.label,
        "labelPlural": sobject.label + "s",
        "keyPrefix": sobject.key_prefix,
        "custom": False,
        "createable": sobject.createable,
        "updateable": sobject.updateable,
        "deletable": sobject.deletable,
        "queryable": True,
        "fields": [describe_field(item) for item in sobject.fields.values()],
        "childRelationships": [
            {
                "childSObject": rel.child,
                "field": rel.field,
                "relationshipName": rel.name,
                "cascadeDelete": True,
            }
            for rel in sobject.children.values()
        ],
        "urls": {
            "sobject": base,
            "describe": f"{base}/describe",
            "rowTemplate": f"{base}/{{ID}}",
        },
    }


def describe_global(types: list[SObjectType], version: str) -> dict[str, Any]:
    """The `sobjects/` body: every type the org has, each with the running user's object
    permissions as Salesforce lists them (`createable`, `updateable`, `deletable`, `queryable`,
    ...), so one call answers what the user may do with every object."""
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [
            {
                "name": t.name,
                "label": t.label,
                "labelPlural": t.label + "s",
                "keyPrefix": t.key_prefix,
                "custom": t.name.endswith("__c"),
                "createable": t.createable,
                "updateable": t.updateable,
                "deletable": t.deletable,
                "undeletable": t.deletable,
                "queryable": True,
                "retrieveable": True,
                "searchable": True,
                "urls": {
                    "sobject": f"/services/data/v{version}/sobjects/{t.name}",
                    "describe": f"/services/data/v{version}/sobjects/{t.name}/describe",
                    "rowTemplate": f"/services/data/v{version}/sobjects/{t.name}/{{ID}}",
                },
            }
            for t in types
        ],
    }
