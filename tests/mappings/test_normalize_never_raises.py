"""Whatever a CRM sends in its fields, normalize returns a result and never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.base import RawContact, RawDeal
from mappings import CrmMapping, Normalized, UnmappedStage, load_mapping

MAPPINGS = {crm: load_mapping(crm) for crm in ("salesforce", "hubspot")}

# Strings near the formats the parsers know, plus anything at all.
_NEAR_MISSES = st.sampled_from(
    [
        "true",
        "FALSE",
        "2026-02-30",
        "2026-11-27T04:13:37.000+0000",
        "1795752817000",
        "99999999999999999999999999",
        "-99999999999999",
        "1e400",
        "nan",
        "inf",
        "Confirmed",
        "in review",
        " ",
        "٣٤٥٦٧٨٩٠١٢٣",
    ]
)
_VALUES = st.one_of(st.none(), st.text(max_size=30), _NEAR_MISSES)


def _labels(mapping: CrmMapping) -> st.SearchStrategy[str]:
    known = [*mapping.contacts.role_labels, *mapping.contacts.stance_labels, "Other"]
    return st.one_of(st.sampled_from(known), st.text(max_size=20))


def _stages(mapping: CrmMapping) -> st.SearchStrategy[str]:
    known = [stage for stages in mapping.pipelines.values() for stage in stages]
    return st.one_of(st.sampled_from(known), st.text(max_size=20))


@st.composite
def _deals(draw: st.DrawFn, mapping: CrmMapping) -> tuple[RawDeal, set[str] | None]:
    deal_fields = [f.field for f in mapping.fields]
    contact_fields = [name.partition(".")[2] for _, name in mapping.contacts.fields]
    fields: dict[str, Any] = {name: draw(_VALUES) for name in deal_fields}
    contacts = tuple(
        RawContact(
            id=draw(st.text(max_size=8)),
            labels=tuple(draw(st.lists(_labels(mapping), max_size=3))),
            fields={name: draw(_VALUES) for name in contact_fields},
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    pipeline = draw(st.one_of(st.none(), st.sampled_from(["default", "*", "012RT"])))
    raw = RawDeal(
        id=draw(st.text(max_size=8)),
        fields=fields,
        pipeline=pipeline,
        stage=draw(_stages(mapping)),
        contacts=contacts,
    )
    every = deal_fields + [name for _, name in mapping.contacts.fields]
    existing = draw(st.one_of(st.none(), st.sets(st.sampled_from(every))))
    return raw, existing


def _check(mapping: CrmMapping, deal: tuple[RawDeal, set[str] | None]) -> None:
    raw, existing = deal
    result = mapping.normalize(raw, {}, existing)
    assert isinstance(result, Normalized | UnmappedStage)
    if isinstance(result, Normalized):
        assert result.snapshot.id == raw.id
        assert all(isinstance(w, str) for w in result.warnings)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_deals(MAPPINGS["salesforce"]))
def test_salesforce_normalize_never_raises(deal: tuple[RawDeal, set[str] | None]) -> None:
    _check(MAPPINGS["salesforce"], deal)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_deals(MAPPINGS["hubspot"]))
def test_hubspot_normalize_never_raises(deal: tuple[RawDeal, set[str] | None]) -> None:
    _check(MAPPINGS["hubspot"], deal)
