"""Yes and no as people type them: alone (explicit answers) or inside a sentence."""

from __future__ import annotations

import pytest

from flows.yes_no import exact_yes_no, fold, yes_no_in

ALONE = [
    ("oui", "yes"),
    ("Oui !", "yes"),
    ("OUIII", "yes"),
    ("oui oui", "yes"),
    ("d'accord", "yes"),
    ("D’accord", "yes"),
    ("oui bien sûr", "yes"),
    ("ok merci", "yes"),
    ("okay", "yes"),
    ("yes", "yes"),
    ("نعم", "yes"),
    ("أيوة", "yes"),
    ("ايوه", "yes"),
    ("واخا", "yes"),
    ("na3am", "yes"),
    ("بلی", "yes"),
    ("بلي", "yes"),
    ("bale", "yes"),
    ("እወ", "yes"),
    ("ሕራይ", "yes"),
    ("ewe", "yes"),
    ("👍", "yes"),
    ("👍🏾", "yes"),
    ("✅", "yes"),
    ("👍👍", "yes"),
    ("Oui 🙏", "yes"),
    ("non", "no"),
    ("Non merci", "no"),
    ("no", "no"),
    ("لا", "no"),
    ("لا شكرا", "no"),
    ("نخیر", "no"),
    ("نه", "no"),
    ("ኣይፋል", "no"),
    ("አይፋል", "no"),
    ("👎", "no"),
    ("❌", "no"),
    ("pas d'accord", "no"),
    # Neither: both, something else, a sentence that holds a yes.
    ("oui non", None),
    ("👍👎", None),
    ("merci", None),
    ("1", None),
    ("", None),
    ("oui mais où est la préfecture", None),
    ("yes but what time is it", None),
    ("نعم ولكن أين مكتب البريد", None),
    ("how do I open a bank account", None),
    ("ok mais c'est quoi le numéro de la CAF", None),
    ("bien", None),
    ("sûr", None),
]
INSIDE = [
    ("oui je continue comme ça", "yes"),
    ("نعم نكمل", "yes"),
    ("بلی ادامه بدهیم", "yes"),
    ("እወ ንቐጽል", "yes"),
    ("non je garde tout", "no"),
    ("لا ما بغيتش", "no"),
    # Ordinary words of a sentence never count: "la" in French, "sure" in English, خوب.
    ("je veux la suite", None),
    ("I am not sure", None),
    ("خوب نیست", None),
    ("oui mais non", None),
    ("pas d'accord", "no"),
    ("how are you", None),
]


@pytest.mark.parametrize(("text", "expected"), ALONE)
def test_alone(text: str, expected: str | None) -> None:
    assert exact_yes_no(text) == expected


@pytest.mark.parametrize(("text", "expected"), INSIDE + [a for a in ALONE if a[1]])
def test_inside_a_sentence(text: str, expected: str | None) -> None:
    assert yes_no_in(text) == expected


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("D'Accord !!", "daccord"),
        ("Ouiiiii", "oui"),
        ("أَيْوَة", "ايوه"),
        ("بلی", "بلي"),
        ("👍🏽 ok", "👍 ok"),
        ("١ ۲", "1 2"),
        ("oui\u200b", "oui"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
