"""A guarded deal stream: the connector's shape errors become `UnexpectedAnswer` naming the
request, deal by deal; the consumer's own errors, and CRM errors, pass through unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connector.answers import GuardedStream
from connector.base import RawDeal
from connector.errors import RateLimited, UnexpectedAnswer
from tests.audit.memory import MemoryStream


class _Stream(MemoryStream):
    """Three deals, the read failing with `error` at deal `fail_at`."""

    def __init__(self, fail_at: int, error: Exception) -> None:
        super().__init__(())
        self.fail_at, self.error = fail_at, error

    def __iter__(self) -> Iterator[RawDeal]:
        for n in range(3):
            if n == self.fail_at:
                raise self.error
            yield RawDeal(id=f"d{n}", fields={})


class _Owner:
    crm_name = "Salesforce"

    def last_request(self) -> str:
        return "query page"


def test_a_shape_error_while_reading_names_the_request_after_the_deals_before_it() -> None:
    read: list[str] = []
    with pytest.raises(UnexpectedAnswer, match="Salesforce to query page: KeyError: 'Id'"):
        for deal in GuardedStream(_Stream(2, KeyError("Id")), _Owner()):
            read.append(deal.id)
    assert read == ["d0", "d1"]


def test_a_crm_error_while_reading_passes_through() -> None:
    with pytest.raises(RateLimited):
        list(GuardedStream(_Stream(1, RateLimited("slow down")), _Owner()))


def test_the_consumers_own_error_is_not_the_crms() -> None:
    with pytest.raises(KeyError, match="consumer"):
        for _ in GuardedStream(_Stream(5, KeyError("never")), _Owner()):
            raise KeyError("consumer")
