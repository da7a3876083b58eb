"""How dates, times and money read in each language. Pure functions.

One date format per language, kept everywhere a person reads a date: ISO in English
(`2026-12-04`), `2026年12月4日` in Japanese. Data columns (CSV `close_date`, JSON) stay ISO in both:
they are read by programs and sorted by spreadsheets. Money: thousands separators; yen never has
decimals (`1,250,000 JPY` in English, `1,250,000円` in Japanese); other currencies keep their code.
"""

from __future__ import annotations

from datetime import date, datetime

from gates.reasons import ja_day

NO_DECIMALS = frozenset({"JPY", "KRW"})  # currencies without minor units in daily use


def day_text(day: date, language: str) -> str:
    """`2026-12-04`, or `2026年12月4日` in Japanese (as gates.reasons writes the reasons' dates)."""
    return ja_day(day.isoformat()) if language == "ja" else day.isoformat()


def stamp_text(moment: datetime, language: str) -> str:
    """A run's time: `2026-11-27 09:00 UTC`, or `2026年11月27日 09:00 UTC` in Japanese."""
    return f"{day_text(moment.date(), language)} {moment:%H:%M} UTC"


def amount_text(amount: float, currency: str | None) -> str:
    """The number alone: thousands separators; no decimals for whole amounts, yen, or 1,000+."""
    whole = (
        float(amount).is_integer() or abs(amount) >= 1000 or (currency or "").upper() in NO_DECIMALS
    )
    return f"{amount:,.0f}" if whole else f"{amount:,.2f}"


def money_text(amount: float, currency: str | None, language: str, no_currency: str) -> str:
    """`1,250,000 JPY` / `1,250,000円`; `no_currency` stands for a missing currency code."""
    number = amount_text(amount, currency)
    if language == "ja" and (currency or "").upper() == "JPY":
        return f"{number}円"
    return f"{number} {currency or no_currency}"
