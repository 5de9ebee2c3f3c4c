"""Normalisation and digits, as tables."""

from __future__ import annotations

import pytest

from nlu.normalize import fold, light
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
