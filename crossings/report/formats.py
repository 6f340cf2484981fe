"""Numbers, percents, money and dates written for the reader's locale (Babel).

English: 1,234 · 12.5% · $1,234,567 ($1.2M in a sentence) · June 30, 2025.
Spanish: 1.234 · 12,5 % · 1.234.567 US$ (1,2 M US$) · 30 de junio de 2025.
"""

from __future__ import annotations

import copy
import datetime
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from crossings.report.figure import Figure

LANGUAGES = ("en", "es")
NOT_AVAILABLE = "n/a"  # translated through the catalogue by the caller


@cache
def _percent_pattern(lang: str, digits: int) -> NumberPattern:
    pattern = copy.copy(Locale.parse(lang).percent_formats[None])
    pattern.frac_prec = (digits, digits)
    return pattern


@cache
def _currency_pattern(lang: str) -> NumberPattern:
    pattern = copy.copy(Locale.parse(lang).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


def count(value, lang: str) -> str:
    return format_decimal(value, format="#,##0", locale=lang)


def decimal(value, lang: str, digits: int = 1) -> str:
    return format_decimal(value, format="#,##0." + "0" * digits, locale=lang)


def percent(value, lang: str, digits: int = 1) -> str:
    return format_percent(value, format=_percent_pattern(lang, digits), locale=lang)


def signed(text: str, value) -> str:
    """A change with its sign: +12 and +3.4% (Babel writes the minus itself)."""
    return f"+{text}" if value > 0 else text


def dollars(value, lang: str) -> str:
    return format_currency(value, "USD", format=_currency_pattern(lang), locale=lang,
                           currency_digits=False)


def compact_dollars(value, lang: str) -> str:
    """Dollars rounded for a sentence: $41.3M, 41,3 M US$."""
    return format_compact_currency(value, "USD", locale=lang, fraction_digits=1)


def date(value: str | datetime.date | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return format_date(value, format="long", locale=lang)


def figure(fig: Figure, lang: str, not_available: str = NOT_AVAILABLE) -> str:
    """The text of a figure as the sheet prints it."""
    v = fig.value
    if v is None:
        return not_available
    writers = {
        "count": lambda: count(v, lang),
        "change": lambda: signed(count(v, lang), v),
        "percent": lambda: percent(v, lang),
        "change_percent": lambda: signed(percent(v, lang), v),
        "months": lambda: decimal(v, lang),
        "per_1000": lambda: decimal(v, lang, 2),
        "years": lambda: count(round(v), lang),
        "dollars": lambda: compact_dollars(v, lang),
        "year": lambda: str(v),
    }
    return writers[fig.kind]()
