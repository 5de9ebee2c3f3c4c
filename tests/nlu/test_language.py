"""Language identification of short messages, as a table."""

from __future__ import annotations

import pytest

from nlu.language import digits_hint, language_text
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


# Sales typed in Latin letters: Tigrinya and Dari, numbers and "euro" around a few words.
LATIN_SALES = [
    ("shetku 6 borsa nhade 12 euro", "ti"),
    ("lomi bdmr 80 euro shetna", "ti"),
    ("sambusa 25 hade b 1", "ti"),
    ("forokhtam 5 ta keik yaki 6 euro", "prs"),
    ("emroz jaman 90 euro forosh", "prs"),
    ("4 ta piran har kodam 20 euro", "prs"),
    ("bi3t 6 sahn b 9 lwa7ed", "ar"),
    ("10 crepes a 2€ et 4 the a 1", "fr"),
]


@pytest.mark.parametrize(("text", "lang"), LATIN_SALES)
def test_latin_sales(text: str, lang: str) -> None:
    assert guess_language(text)[0] == lang


# English is not served: `und` (the bot asks which language), never French; French with a
# few English words stays French.
ENGLISH = [
    "where can I find a doctor for my son",
    "I want to sell food at the market",
    "please can somebody help me with my papers",
    "what time is the meeting tomorrow",
    "my friend told me to write to you",
]
FRENCH_WITH_ENGLISH = [
    ("ok thanks a demain", "fr"),
    ("yes merci beaucoup madame", "fr"),
    ("sorry je peux pas venir", "fr"),
    ("c est good pour moi", "fr"),
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_is_not_french(text: str) -> None:
    assert guess_language(text)[0] == "und"


@pytest.mark.parametrize("text", ENGLISH[:2])
def test_english_from_a_french_contact_is_not_french_either(text: str) -> None:
    assert guess_language(text, "fr")[0] == "und"


@pytest.mark.parametrize(("text", "lang"), FRENCH_WITH_ENGLISH)
def test_french_with_english_words_stays_french(text: str, lang: str) -> None:
    assert guess_language(text)[0] == lang


def test_times_say_nothing_of_the_language() -> None:
    # "18h30" was cut to "8h3", which looks like Arabizi.
    assert language_text("la reunion c mardi 18h30") == "la reunion c mardi"
    assert language_text("3likoum 7abibi 45") == "3likoum 7abibi"


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


@pytest.mark.parametrize(
    "laugh", ["هههههههه", "هههه", "خخخخخخ", "hhhhhh", "hahaha", "lol", "ههههه ok"]
)
@pytest.mark.parametrize("known", [None, "fr", "ar", "prs", "ti"])
def test_laughter_is_no_language(laugh: str, known: str | None) -> None:
    """Laughter is typed alike everywhere: `und`, or the contact's language when known —
    never a confident Dari for an Arabic speaker's "هههه"."""
    want = known or "und"
    assert guess_language(laugh, known)[0] == want


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("٣ فساتين ١٥", "ar"),  # Arabic-Indic digits: an Arabic keyboard
        ("۳ دامن ۱۵", "prs"),  # Extended Arabic-Indic: a Persian or Dari keyboard
        ("3 robes 15", None),
        ("٣ و ۳", None),  # both: no hint
        ("ባዕ", None),
    ],
)
def test_the_keyboard_s_digits_hint_at_the_language(text: str, hint: str | None) -> None:
    assert digits_hint(text) == hint


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("٤ وسادات × ١٢", "ar"),
        ("٧ صحون ب ٥٦", "ar"),
        ("۴ دستمال × ۱۲", "prs"),
        ("۷ بشقاب ۵۶", "prs"),
    ],
)
def test_short_sales_with_digits_of_a_keyboard(text: str, lang: str) -> None:
    assert guess_language(text)[0] == lang
