"""Amounts in euros as a person reads them ("45 €", "12,50 €"), with the decimal sign and
digit grouping of their language (CLDR, through Babel). Integer cents in, text out: the
text is never read back as money."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal

from content.durations import CLDR_LOCALES

NBSP = "\u00a0"


@lru_cache(maxsize=4096)
def euros_text(cents: int, lang: str) -> str:
    """-2400 -> "-24 €"; 1250 -> "12,50 €" in French, "12.50 €" in Arabic. Whole euros
    without decimals; the euro sign after the number, as prices are written in France."""
    locale = CLDR_LOCALES.get(lang, CLDR_LOCALES["fr"])
    pattern = "#,##0" if cents % 100 == 0 else "#,##0.00"
    number = format_decimal(Decimal(cents).scaleb(-2), format=pattern, locale=locale)
    return f"{number}{NBSP}€"
