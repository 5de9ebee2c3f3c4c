"""A sale as the member reads it: how many, what, the amount in their convention, the
payment method and the day in words. Shared by the sales actions and the host's replies."""

from __future__ import annotations

from datetime import date, timedelta

from content.amounts import euros_text
from content.catalog import Catalog
from content.dates import day_words


def day_text(catalog: Catalog, lang: str, day: date, today: date) -> str:
    """ "aujourd'hui", "hier", else the day in words ("mardi 10 novembre")."""
    if day == today:
        return catalog.text("sales.day.today", lang)
    if day == today - timedelta(days=1):
        return catalog.text("sales.day.yesterday", lang)
    return day_words(day, lang)


def sale_params(
    catalog: Catalog,
    lang: str,
    *,
    product: str,
    quantity: int,
    cents: int,
    payment: str,
    day: date,
    today: date,
) -> dict[str, str]:
    """{qty}, {product}, {amount}, {payment}, {day} for the texts that describe a sale."""
    return {
        "qty": str(quantity),
        "product": product,
        "amount": euros_text(cents, lang),
        "payment": catalog.text(f"sales.pay.{payment}", lang),
        "day": day_text(catalog, lang, day, today),
    }


def example_text(catalog: Catalog, lang: str, product: str | None, price_cents: int) -> str:
    """How to tell a sale, with one of the coop's own products ("Par exemple : 1 robe à
    30 €"): a textile coop's members never get a meals example."""
    if not product:
        return catalog.text("sales.example_any", lang)
    return catalog.text("sales.example", lang, product=product, price=euros_text(price_cents, lang))


def sale_line(catalog: Catalog, lang: str, params: dict[str, str]) -> str:
    """One sale in one line, from `sale_params`: "5 assiettes, 40 €, espèces, aujourd'hui"."""
    return catalog.text("sales.line", lang, **params)
