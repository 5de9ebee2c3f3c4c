"""Dates and times as a person reads them, in their language ("samedi 28 mars", "14:30"),
with Babel's locale data (Afghan month names for Dari, Eritrean ones for Tigrinya)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time

from content.catalog import BASE_LANG

BABEL_LOCALES = {"fr": "fr", "ar": "ar", "prs": "fa_AF", "ti": "ti_ER"}


# Parsing a locale and formatting a date cost about a millisecond each time: a scheduler
# tick says hundreds of dates, most of them the same few.
@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(lang, BABEL_LOCALES[BASE_LANG]))


@lru_cache(maxsize=4096)
def _day_words(day: date, lang: str) -> str:
    return format_date(day, "EEEE d MMMM", locale=_locale(lang))


def day_words(at: datetime | date, lang: str) -> str:
    """Weekday, day and month in words, in the time zone `at` carries: "samedi 28 mars"."""
    return _day_words(at.date() if isinstance(at, datetime) else at, lang)


def clock(at: datetime, lang: str) -> str:
    """The time of day on a 24-hour clock: "14:30"."""
    return format_time(at, "HH:mm", locale=_locale(lang))


def warm_up() -> None:
    """Load every language's locale data now (about 0.1 s each), not inside a first tick."""
    for lang in BABEL_LOCALES:
        day_words(date(2026, 1, 5), lang)
        clock(datetime(2026, 1, 5, 12, 0), lang)
