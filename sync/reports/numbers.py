"""How people-facing reports (table, HTML) write scores and money. Pure functions."""

from __future__ import annotations

from sync.i18n import text
from sync.i18n.formats import money_text

NO_VALUE = "—"


def percent(share: float | None) -> str:
    """A 0..1 share as a whole percentage ("45%"), or a dash when unknown."""
    return NO_VALUE if share is None else f"{share * 100:.0f}%"


def money(amount: float, currency: str | None, language: str = "en") -> str:
    """An amount with thousands separators and its currency ("1,250,000 JPY"; "1,250,000円" in
    Japanese).

    Whole amounts and yen drop their decimals; a missing currency shows as "(no currency)".
    """
    return money_text(amount, currency, language, text(language, "common.no_currency"))


def money_list(amounts: list[tuple[str | None, float]], language: str = "en") -> str:
    """Several currencies' amounts on one line, never added together."""
    return " + ".join(money(amount, currency, language) for currency, amount in amounts) or NO_VALUE
