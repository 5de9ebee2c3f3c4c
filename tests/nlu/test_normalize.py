"""Normalisation and digits, as tables."""

from __future__ import annotations

import pytest

from nlu.normalize import fold, light, sale_text
from nlu.numbers import ascii_digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٤٥ يورو", "45 يورو"),
        ("۳۰ یورو", "30 یورو"),
        ("12 repas", "12 repas"),
        ("ሰላም 12", "ሰላም 12"),
    ],
)
def test_ascii_digits(raw: str, expected: str) -> None:
    assert ascii_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Données PERSONNELLES", "donnees personnelles"),
        ("salaaaam", "salam"),
        ("merciiii🙏", "merci 🙏"),
        ("مرحبااااا", "مرحبا"),
        ("مـــرحبا", "مرحبا"),  # tatweel
        ("مَرْحَبًا", "مرحبا"),  # harakat
        ("أهلاً", "اهلا"),
        ("إسلام آمن", "اسلام امن"),
        ("Bonjour\u200f \u2068Coopaname\u2069", "bonjour coopaname"),  # bidi controls
        ("👍🏽", "👍"),  # skin tone
        ("  trop   d'espaces ", "trop d'espaces"),
        ("٤٥٫٥٠ €", "45.50 €"),
    ],
)
def test_light(raw: str, expected: str) -> None:
    assert light(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("كيف", "کیف"),  # Arabic kaf and yeh -> Persian forms
        ("کیف", "کیف"),
        ("مدرسة", "مدرسه"),  # ta marbuta
        ("على", "علی"),  # alef maksura
        ("مسؤول", "مسوول"),
        ("می\u200cخواهم", "میخواهم"),  # ZWNJ joined
        ("c'est quoi ?", "c est quoi"),
        ("45,50€", "45.50 €"),
        ("Ça va... oui!", "ca va oui"),
        ("ኣይፋል።", "ኣይፋል"),
        ("ሰላም፣ ከመይ ኣለኹም?", "ሰላም ከመይ ኣለኹም"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۷/۵ یورو", "7.5 یورو"),  # a Dari decimal slash
        ("۱۴۰۲/۵/۱۲", "1402 5 12"),  # a date stays three numbers
        ("12/03", "12 03"),  # Latin digits: a date, not a decimal
    ],
)
def test_persian_decimal_slash(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6 barquettes à 7€ = 42", "6 barquettes a 7 € = 42"),  # "=" before a total
        ("3 sacs, 20€", "3 sacs , 20 €"),  # items apart
        ("۳ شال، ۲ ماسک؛ ۱ کیک", "3 شال , 2 ماسک , 1 کیک"),
        ("15 chacun + 1 écharpe 10", "15 chacun + 1 echarpe 10"),  # every "+"
        ("8 assiettes (8€) + 5 thés (1€)", "8 assiettes 8 € + 5 thes 1 €"),
        ("[voice note 0:12]", "voice note 0h12"),  # a duration is one token
        ("45,50€", "45.50 €"),  # a decimal comma stays a decimal
        ("vente. 3 robes", "vente , 3 robes"),
    ],
)
def test_sale_text_keeps_what_amounts_need(raw: str, expected: str) -> None:
    assert sale_text(raw) == expected
