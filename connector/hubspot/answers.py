"""The records of a HubSpot answer, or an error naming the request: never "no records" by default.

A search, list, batch or associations answer carries its records in `results` (a list of
objects); a search page also says how many match in `total`. An answer without `results`, with
anything but a list of objects there, or with an empty page while `total` says records remain,
is not an empty result but an `UnexpectedAnswer`: a full read taken as empty would have every
tracked deal look deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.answers import unexpected
from connector.errors import UnexpectedAnswer


def results_of(answer: Any, what: str) -> list[Mapping[str, Any]]:
    """`answer["results"]`, checked to be a list of objects."""
    results = answer.get("results") if isinstance(answer, Mapping) else None
    if not isinstance(results, list) or not all(isinstance(r, Mapping) for r in results):
        raise UnexpectedAnswer(unexpected("HubSpot", what, "no list of results"))
    return results


def page_of(answer: Any, what: str, consumed: int) -> list[Mapping[str, Any]]:
    """A search page's results; an empty page while `total` says more than `consumed` records
    match is an error, not the end."""
    results = results_of(answer, what)
    total = answer.get("total")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
        raise UnexpectedAnswer(unexpected("HubSpot", what, "a total that is not a number"))
    if not results and isinstance(total, int) and total > consumed:
        raise UnexpectedAnswer(
            unexpected("HubSpot", what, f"an empty page where its total says {total} records match")
        )
    return results
