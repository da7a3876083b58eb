"""How people-facing reports (table, HTML) write scores and money. Pure functions."""

from __future__ import annotations

NO_VALUE = "—"


def percent(share: float | None) -> str:
    """A 0..1 share as a whole percentage ("45%"), or a dash when unknown."""
    return NO_VALUE if share is None else f"{share * 100:.0f}%"


def money(amount: float, currency: str | None) -> str:
    """An amount with thousands separators and its currency code ("1,250,000 JPY").

    Whole amounts drop their decimals; a missing currency shows as "(no currency)".
    """
    text = (
        f"{amount:,.0f}" if float(amount).is_integer() or abs(amount) >= 1000 else f"{amount:,.2f}"
    )
    return f"{text} {currency or '(no currency)'}"


def money_list(amounts: list[tuple[str | None, float]]) -> str:
    """Several currencies' amounts on one line, never added together."""
    return " + ".join(money(amount, currency) for currency, amount in amounts) or NO_VALUE
