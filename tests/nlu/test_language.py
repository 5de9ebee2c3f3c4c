"""Language identification of short messages, as a table."""

from __future__ import annotations

import pytest

from nlu.pipeline import guess_language

CASES = [
    # French, learners' spelling
    ("bonjour", "fr"),
    ("je veux noter mes ventes", "fr"),
    ("c koi une cooperative", "fr"),
    ("jai pa de papie", "fr"),
    ("merci bcp madame", "fr"),
    # Arabic script: Arabic vs Dari
    ("السلام عليكم", "ar"),
    ("شنو هي التعاونية", "ar"),
    ("عايز اكلم حد", "ar"),
    ("شكرا جزيلا", "ar"),
    ("بعت 12 وجبة ب 8 يورو", "ar"),
    ("من پول ندارم", "prs"),  # پ: not Arabic
    ("میخواهم با یک نفر گپ بزنم", "prs"),
    ("تشکر زیاد", "prs"),
    ("چطور استی", "prs"),
    ("زبان را تبدیل کن", "prs"),
    ("میخواهم", "prs"),
    ("امروز ۳۰ یورو فروختم", "prs"),
    # Latin script: Arabizi vs Latin Dari vs French
    ("bghit nhder m3a chi wa7ed", "ar"),
    ("3afak 3awni", "ar"),
    ("ch7al bi3na", "ar"),
    ("man panahjo hastom", "prs"),
    ("tashakor ziad", "prs"),
    ("khuda hafiz", "prs"),
    # Latin-script Tigrinya (phones without a Ge'ez keyboard), never `und`
    ("selam haftey kemey aleki", "ti"),
    ("bzuh yekenyelna haftey", "ti"),
    ("kndey shetna ab zi semun", "ti"),
    ("ab abey eyu workshop", "ti"),
    ("ewe deleye", "ti"),
    ("aydeleyn ayfal", "ti"),
    ("hbereta ey dmsasu", "ti"),
    ("tmali 20 euro shetna", "ti"),
    ("ane ykel do", "ti"),
    ("lomi kndey", "ti"),
    # Latin-script Dari
    ("salam baradar chetor asti", "prs"),
    ("man mekhaham sabt nam konom", "prs"),
    ("chiqadar frokhtem emroz", "prs"),
    ("ba farsi benawis lotfan", "prs"),
    ("na nemekhaham", "prs"),
    ("bale dorost ast", "prs"),
    # Ge'ez: Tigrinya, and Amharic which is not Tigrinya
    ("ሰላም ከመይ ኣለኹም", "ti"),
    ("የቐንየለይ", "ti"),
    ("ክንደይ ሸጥና", "ti"),
    ("entrepreneur salarié እንታይ እዩ", "ti"),
    ("ሎሚ ፵፭ ዩሮ ሸይጠ", "ti"),  # Ge'ez numerals
    ("ሰላም እንዴት ነህ", "und"),  # Amharic
    ("በጣም አመሰግናለሁ", "und"),  # Amharic
    ("እርዳታ እፈልጋለሁ", "und"),  # Amharic
    # nothing to tell
    ("👍", "und"),
    ("12", "und"),
    ("45,50 €", "und"),
    ("???", "und"),
    ("", "und"),
]


@pytest.mark.parametrize(("text", "lang"), CASES)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text)[0] == lang


@pytest.mark.parametrize(
    ("text", "known", "lang"),
    [
        ("ok", "ar", "ar"),  # ambiguous: the contact's language wins
        ("ok", "ti", "ti"),
        ("salam", "prs", "prs"),
        ("salam", "ar", "ar"),
        ("merci", "ar", "ar"),
        ("bonjour je veux parler a quelqu un", "ar", "fr"),  # clear text beats the prior
        ("میخواهم با یک نفر گپ بزنم", "ar", "prs"),
        ("👍", "fr", "und"),  # no language at all
        ("ok", "ti", "ti"),
        ("selam", "ti", "ti"),  # one word from a known Tigrinya contact
        ("merci beaucoup", "prs", "prs"),
        ("ሰላም", "ar", "ti"),  # the script rules the known language out
        ("ewe", None, "ti"),
    ],
)
def test_known_language_tips_the_balance(text: str, known: str | None, lang: str) -> None:
    assert guess_language(text, known)[0] == lang


@pytest.mark.parametrize("known", [None, "ti"])
@pytest.mark.parametrize("text", ["ሰላም እንዴት ነህ", "በጣም አመሰግናለሁ", "እርዳታ እፈልጋለሁ"])
def test_amharic_is_never_tigrinya_even_from_a_tigrinya_contact(
    text: str, known: str | None
) -> None:
    assert guess_language(text, known)[0] == "und"  # not served: the bot asks


def test_confidence_is_a_probability() -> None:
    lang, conf = guess_language("السلام عليكم")
    assert lang == "ar"
    assert 0.5 < conf <= 1.0
    assert guess_language("👍") == ("und", 0.0)
