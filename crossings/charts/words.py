"""The words of the charts in the reader's language: titles, axes, legends, notes and
the text alternative.

Charts are English unless drawn inside ``with charts.language(...)``, which the
fact sheet uses for its Spanish edition::

    with charts.language(catalogue.gettext, number=..., percent=..., month_year=...):
        spec = charts.filings_by_charge(result)
    svg = charts.to_svg(spec, locale="es-ES")   # axis numbers as Spanish

Every message is an English literal passed to ``t()`` (with ``{name}`` fields
filled after translation) or marked ``N_()`` where it is a constant; extract
them with ``pybabel extract -k t -k N_ crossings/charts``. The language is a
context variable, so threads and requests drawing at once do not mix languages.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


def _english_number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _english_percent(value: float) -> str:
    return f"{value:.1%}"


def _english_month_year(day: dt.date) -> str:
    return f"{calendar.month_name[day.month]} {day.year}"


def _english_date(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


@dataclass(frozen=True)
class Language:
    """How the charts say things: translate a message, write a number (with
    ``digits`` decimals), a fraction as a percent, a month, a date."""

    gettext: Callable[[str], str] = str
    number: Callable[[float, int], str] = _english_number
    percent: Callable[[float], str] = _english_percent
    month_year: Callable[[dt.date], str] = _english_month_year
    date: Callable[[dt.date], str] = _english_date


_ENGLISH = Language()
_CURRENT: ContextVar[Language | None] = ContextVar("crossings_chart_language", default=None)


@contextmanager
def language(gettext: Callable[[str], str] | None = None, *,
             number: Callable[[float, int], str] | None = None,
             percent: Callable[[float], str] | None = None,
             month_year: Callable[[dt.date], str] | None = None,
             date: Callable[[dt.date], str] | None = None) -> Iterator[Language]:
    """Charts drawn inside this block speak the given language (unset parts: English)."""
    english = _ENGLISH
    chosen = Language(gettext or english.gettext, number or english.number,
                      percent or english.percent, month_year or english.month_year,
                      date or english.date)
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


def current() -> Language:
    return _CURRENT.get() or _ENGLISH


def t(message: str, **fields) -> str:
    """``message`` translated, then its ``{fields}`` filled."""
    translated = current().gettext(message)
    return translated.format(**fields) if fields else translated


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Marks a constant message for extraction; ``t()`` translates it when used."""
    return message


def number(value, digits: int = 0) -> str:
    if value is None:
        return t("no figure")
    return current().number(round(value) if digits == 0 else value, digits)


def percent(value) -> str:
    return t("no figure") if value is None else current().percent(value)


def month_year(day: dt.date) -> str:
    return current().month_year(day)


def date(day: dt.date) -> str:
    return current().date(day)
