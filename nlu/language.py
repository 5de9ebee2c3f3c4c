"""Which language a short message is written in: fr, ar, prs, ti, or und.

The script narrows the choice (Ge'ez: Tigrinya or Amharic; Arabic script: Arabic
or Dari; Latin: French, Arabizi, Latin Dari or Latin Tigrinya, or English); a character
n-gram model trained on `nlu/data` decides within it. Amharic is recognised so that it is
not taken for Tigrinya, and English so that it is not taken for French: both come out as
`und`, and the bot then asks which language to use. What we already know of the contact
tips the balance when the text alone is unsure.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

from nlu.classifier import LinearModel
from nlu.features import language_features
from nlu.normalize import strip_emoji
from nlu.types import LANGS, UNKNOWN_LANG

# Labels of the language model: LANGS, and "am" (Amharic) and "en" (English), negative
# classes never returned.
_ETHIOPIC = re.compile(r"[\u1200-\u137f\u1380-\u139f\u2d80-\u2ddf]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[a-z\u00e0-\u024f]")
_PERSIAN_LETTERS = re.compile("[پچژگ]")
# Numbers and times standing alone ("45", "4,50", "18h30"); digits inside a word stay, as
# Arabizi letters ("3likoum", "7abibi").
_NUMBERS = re.compile(r"(?<![^\W_])(?:\d{1,2}h\d{0,2}|\d+(?:[.,]\d+)?)(?![^\W_])")

# Words typed alike in every language we serve (and English, which we do not): alone, they
# say nothing of the language ("ok" from anyone).
_NEUTRAL: Final = frozenset(
    {"ok", "okay", "okey", "oke", "okk", "yes", "no", "hi", "hello", "bye", "thanks"}
)
# Laughter, after `light` shortened letters said three times or more ("ههههه" -> "ه",
# "hhhh" -> "h"): typed alike in every language, so no more a language than "ok" is.
_LAUGHTER: Final = re.compile(r"ه|هه|خ|خخ|h|hh|(?:ha)+h?|(?:he)+h?|(?:hi)+h?|lol|x+d+")
# Digits say which keyboard typed them: Arabic-Indic (٤ ٥ ٦) on Arabic keyboards, Extended
# Arabic-Indic (۴ ۵ ۶) on Persian and Dari ones (in the development set: 27 Arabic lines and 2
# Dari ones with the first, 117 Dari lines and 1 Arabic one with the second: odds of about
# 10 and 100 to one). A hint that weighs this much, never a rule.
_ARABIC_DIGITS = re.compile("[\u0660-\u0669]")
_PERSIAN_DIGITS = re.compile("[\u06f0-\u06f9]")
DIGITS_WEIGHT: Final = 10.0
# Below this, the text alone does not decide.
MIN_CONFIDENCE: Final = 0.55
# One or two words ("ok", "merci", "salam" from an Arabic speaker) never move a contact to
# another language of the same script; in a longer message the known language weighs this much.
SHORT_WORDS: Final = 2
KNOWN_LANG_WEIGHT: Final = 4.0


def language_text(light_text: str) -> str:
    """The part of a lightly normalised message that carries language: no emoji, no numbers."""
    text = _NUMBERS.sub(" ", strip_emoji(light_text))
    text = re.sub(r"[^\w\u200c\s]", " ", text)
    return " ".join(text.split())


def digits_hint(text: str) -> str | None:
    """The language whose keyboard typed the digits of a raw message ("ar", "prs"), if any
    (`light` makes every digit ASCII, so this reads the text as received)."""
    arabic, persian = bool(_ARABIC_DIGITS.search(text)), bool(_PERSIAN_DIGITS.search(text))
    if arabic != persian:
        return "ar" if arabic else "prs"
    return None


def _scripts(text: str) -> frozenset[str]:
    """The labels the script allows. A Ge'ez syllable or an Arabic letter says more than a
    Latin one: a few of them decide the script even next to French words
    ("entrepreneur salarié እንታይ እዩ")."""
    eth = len(_ETHIOPIC.findall(text))
    arb = len(_ARABIC.findall(text))
    lat = len(_LATIN.findall(text))
    if eth >= 3 or (eth and eth >= arb and eth * 3 >= lat):
        return frozenset({"ti", "am"})
    if arb >= 3 or (arb and arb * 2 >= lat):
        return frozenset({"ar", "prs"})
    # Latin: French, Arabizi, Latin Dari, Latin Tigrinya, or English.
    return frozenset({"fr", "ar", "prs", "ti", "en"})


def identify(
    light_text: str,
    model: LinearModel,
    known_lang: str | None = None,
    digits: str | None = None,
) -> tuple[str, float]:
    """(language, confidence) of a lightly normalised message; `digits` is `digits_hint` of
    the message as received."""
    text = language_text(light_text)
    if not any(c.isalpha() for c in text):
        return UNKNOWN_LANG, 0.0
    if all(w in _NEUTRAL or _LAUGHTER.fullmatch(w) for w in text.split()):
        return (known_lang, 1.0) if known_lang in LANGS else (UNKNOWN_LANG, 0.0)
    labels = model.labels
    allowed = _scripts(text)
    probs = model.proba(language_features(text)).astype(np.float64)
    probs *= np.asarray([lab in allowed for lab in labels], dtype=np.float64)
    if "ar" in labels and _ARABIC.search(text) and _PERSIAN_LETTERS.search(text):
        probs[labels.index("ar")] *= 0.05  # Arabic has no پ چ ژ گ
    if digits in allowed and digits in labels:
        probs[labels.index(digits)] *= DIGITS_WEIGHT
    if "am" in labels and probs.argmax() == labels.index("am"):
        return UNKNOWN_LANG, float(probs.max() / probs.sum())  # Amharic, whoever writes it
    if known_lang in LANGS and known_lang in labels:
        if len(text.split()) <= SHORT_WORDS and known_lang in allowed:
            total = probs.sum()
            return known_lang, float(probs[labels.index(known_lang)] / total) if total else 0.0
        probs[labels.index(known_lang)] *= KNOWN_LANG_WEIGHT
    total = probs.sum()
    if total <= 0:
        return UNKNOWN_LANG, 0.0
    probs /= total
    best = int(probs.argmax())
    lang, conf = labels[best], float(probs[best])
    if lang not in LANGS:  # English (Amharic left above)
        return UNKNOWN_LANG, conf
    if conf < MIN_CONFIDENCE:
        return (known_lang, conf) if known_lang in LANGS else (UNKNOWN_LANG, conf)
    return lang, conf
