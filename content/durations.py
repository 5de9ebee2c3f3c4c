"""A number of days in words, in the reader's language ("2 ans", "سنتان", "2 ዓመታት"), with the
plural rules of the Unicode CLDR through Babel. Exact, never rounded: a privacy text must
not promise less than the code keeps ("400 days" stays 400 days, not "1 year")."""

from __future__ import annotations

from functools import lru_cache

from babel.units import format_unit

# Our language codes -> CLDR locales: Dari as spoken in Afghanistan, Tigrinya in Eritrea.
CLDR_LOCALES = {"fr": "fr", "ar": "ar", "prs": "fa_AF", "ti": "ti_ER"}


@lru_cache(maxsize=256)
def duration_text(days: str | int, lang: str) -> str:
    """`days` (a number, or its digits as text) in whole years when exact, else in days;
    "" when it is not a number of days."""
    try:
        n = int(days)
    except (TypeError, ValueError):
        return ""
    if n <= 0:
        return ""
    locale = CLDR_LOCALES.get(lang, CLDR_LOCALES["fr"])
    if n % 365 == 0:
        return str(format_unit(n // 365, "duration-year", locale=locale, length="long"))
    return str(format_unit(n, "duration-day", locale=locale, length="long"))
