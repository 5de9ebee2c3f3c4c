"""The sale a message tells, as tables: several products are never one sale; a word that
prices ("le plat", "الصحن") or counts ("بشقاب") is no second product; digits inside a Latin
word are letters; a product the coop does not list is none."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ledger.money import nlu_cents
from flows import sale_draft
from flows.lookup import CoopInfo, ProductInfo
from nlu.pipeline import parse

COOP = CoopInfo(
    "Cuisine",
    date(2026, 11, 10),
    (
        ProductInfo(1, "repas", (), 800),
        ProductInfo(2, "boisson", (), 250),
        ProductInfo(3, "couscous", (), 900),
        ProductInfo(4, "mantu", ("منتو",), 900),
    ),
)


def told(text: str) -> sale_draft.Draft:
    result = parse(text)
    draft = sale_draft.from_message(result, nlu_cents(result.entities), text, COOP)
    assert draft is not None
    return draft


@pytest.mark.parametrize(
    ("text", "several"),
    [
        ("5 repas 40 et 2 boissons 5", True),
        ("2 the et 1 cafe ca fait 5 euros", True),
        ("بعت 5 وجبات ب 40 و 2 عصير ب 5", True),
        ("۲ منتو هر کدام ۱۴ و ۵ چای هر کدام ۲", True),
        ("ce midi 18 couscous 9 euros le plat", False),
        ("بعت 6 صحون كسكس الصحن ب 9", False),
        ("۷ بشقاب منتو هر بشقاب ۹ یورو", False),
        ("5 repas à 8€ par repas", False),
        ("2 repas 16 par carte", False),
    ],
)
def test_several_products_are_never_one_sale(text: str, several: bool) -> None:
    assert told(text).several is several


@pytest.mark.parametrize(
    ("text", "product", "unknown"),
    [
        ("3 repas 24", "repas", False),
        ("3 rpas 24", "repas", False),
        ("3 boissons 7,50", "boisson", False),
        ("بعت 3 مشروبات ب 7.5", "boisson", False),
        ("۳ نوشابه ۷.۵ یورو", "boisson", False),
        ("3 ቡን 7", "", True),
        ("5 megbi 40", "", True),
        ("بعت ٣ صاكات ب ٣٦", "", True),
    ],
)
def test_a_product_is_one_the_coop_lists(text: str, product: str, unknown: bool) -> None:
    draft = told(text)
    assert (draft.product, draft.unknown) == (product, unknown)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("5", 5),
        ("٥", 5),
        ("cinq", 5),
        ("chhal bi3t had simana", None),
        ("ma3rftch", None),
        ("bi3t 3", 3),
        ("3x8", None),
    ],
)
def test_digits_inside_latin_words_are_letters(text: str, number: int | None) -> None:
    assert sale_draft.whole_number(text) == number


def test_a_count_glued_to_a_listed_product() -> None:
    draft = sale_draft.product_answer(sale_draft.Draft(), "3repas", COOP)
    assert (draft.quantity, draft.product) == (3, "repas")
    assert sale_draft.quantity_answer(sale_draft.Draft(), "3andi", COOP).quantity is None
