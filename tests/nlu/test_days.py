"""Days in a sale message ("hier", "أول أمس", "قبل يومين", "پریروز", "ቅድሚ ክልተ መዓልቲ"): their
numbers never join the sale's, they never make a sale something else, and only "yesterday"
is yesterday. Tables, in the four languages, words before and after the sale."""

from __future__ import annotations

import pytest

from nlu import entities
from nlu.normalize import sale_text
from nlu.pipeline import parse

# (message, quantity, amount, alternative, day): a day before yesterday or some days ago.
EARLIER = [
    ("بعت ٥ وجبات ٤٠ قبل يومين", 5, 40.0, 200.0, None),
    ("أول أمس ٥ وجبات ٤٠", 5, 40.0, 200.0, None),
    ("قبل يومين بعت 5 وجبات ب 40", 5, 40.0, 200.0, None),
    ("بعت ٥ وجبات ٤٠ قبل ثلاث أيام", 5, 40.0, 200.0, None),
    ("امس الاول بعنا 3 شنط 60 يورو", 3, 60.0, None, None),
    ("قبل البارح 4 كسكس ب 10 للواحد", 4, 40.0, None, None),
    ("avant-hier 5 repas 40", 5, 40.0, 200.0, None),
    ("avant hier j'ai vendu 12 repas à 8", 12, 96.0, None, None),
    ("vendu 6 plats 48 euros il y a 2 jours", 6, 48.0, None, None),
    ("il y a trois jours 4 sacs à 15", 4, 60.0, None, None),
    ("پریروز ۵ غذا ۴۰", 5, 40.0, 200.0, None),
    ("۵ غذا ۴۰ یورو دو روز پیش فروختم", 5, 40.0, None, None),
    ("۳ روز قبل ۴ بولانی هر کدام ۵ یورو", 4, 20.0, None, None),
    ("ቅድሚ ትማሊ 5 መግቢ 40", 5, 40.0, 200.0, None),
    ("5 መግቢ 40 ዩሮ ሸጥኩ ቅድሚ ክልተ መዓልቲ", 5, 40.0, None, None),
    ("ቅድሚ 3 መዓልቲ 4 ቦርሳ ነፍሲ ወከፍ 15", 4, 60.0, None, None),
]
# The same sales yesterday: "yesterday", and the same numbers.
YESTERDAY = [
    ("بعت ٥ وجبات ٤٠ امس", 5, 40.0, 200.0, "yesterday"),
    ("البارح بعنا 3 شنط 60 يورو", 3, 60.0, None, "yesterday"),
    ("hier 5 repas 40", 5, 40.0, 200.0, "yesterday"),
    ("vendu 6 plats 48 euros hier soir", 6, 48.0, None, "yesterday"),
    ("دیروز ۵ غذا ۴۰", 5, 40.0, 200.0, "yesterday"),
    ("ትማሊ 5 መግቢ 40", 5, 40.0, 200.0, "yesterday"),
]


@pytest.mark.parametrize(("text", "quantity", "amount", "alternative", "day"), EARLIER + YESTERDAY)
def test_a_day_neither_merges_into_the_numbers_nor_breaks_the_sale(
    text: str, quantity: int, amount: float, alternative: float | None, day: str | None
) -> None:
    got = parse(text)
    assert got.intent == "log_sale", (text, got.intent, got.confidence)
    assert got.entity("quantity") == quantity, text
    assert got.entity("amount") == pytest.approx(amount), text
    if alternative is None:
        assert got.entity("amount_alternative") is None, text
    else:
        assert got.entity("amount_alternative") == pytest.approx(alternative), text
    assert got.entity("day") == day, text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("avant-hier", None),
        ("avant hier soir", None),
        ("il y a 2 jours", None),
        ("hier", "yesterday"),
        ("أول أمس", None),
        ("امس الاول", None),
        ("قبل امس", None),
        ("قبل البارحة", None),
        ("قبل يومين", None),
        ("من يومين", None),
        ("awal ams", None),
        ("امس", "yesterday"),
        ("پریروز", None),
        ("پری‌روز", None),
        ("دو روز پیش", None),
        ("دیروز", "yesterday"),
        ("ቅድሚ ትማሊ", None),
        ("ቅድሚ ክልተ መዓልቲ", None),
        ("ትማሊ", "yesterday"),
    ],
)
def test_only_yesterday_is_yesterday(text: str, day: str | None) -> None:
    assert entities.day(sale_text(text)) == day


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("il y a 2 jours", "fr"),
        ("قبل يومين", "ar"),
        ("قبل ٣ أيام", "ar"),
        ("دو روز پیش", "prs"),
        ("ቅድሚ ክልተ መዓልቲ", "ti"),
    ],
)
def test_days_ago_alone_are_no_amount(text: str, lang: str) -> None:
    sale = entities.sale(sale_text(text), lang)
    assert (sale.amount, sale.quantity) == (None, None)
