"""Which language a short message is written in: fr, ar, prs, ti, or und.

The script narrows the choice (Ge'ez: Tigrinya or Amharic; Arabic script: Arabic
or Dari; Latin: French, Arabizi or Latin Dari); a character n-gram model trained
on `nlu/data` decides within it. Amharic is recognised so that it is not taken
for Tigrinya: it comes out as `und`, and the bot then asks which language to use.
What we already know of the contact tips the balance when the text alone is unsure.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

from nlu.classifier import LinearModel, language_features
from nlu.normalize import strip_emoji
from nlu.types import UNKNOWN_LANG

# Labels of the language model; "am" (Amharic) is a negative class, never returned.
LANG_LABELS: Final = ("fr", "ar", "prs", "ti", "am")
_ETHIOPIC = re.compile(r"[\u1200-\u137f\u1380-\u139f\u2d80-\u2ddf]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[a-z\u00e0-\u024f]")
_PERSIAN_LETTERS = re.compile("[پچژگ]")
_NUMBERS = re.compile(r"(?<![^\W\d_])\d+(?:[.,]\d+)?(?![^\W\d_])")

# Below this, the text alone does not decide.
MIN_CONFIDENCE: Final = 0.55
# How much a known contact language weighs against the text (a likelihood ratio):
# more for one or two words ("merci", "ok" from an Arabic speaker), less for sentences.
KNOWN_LANG_WEIGHT: Final = {1: 100.0, 2: 10.0}
KNOWN_LANG_WEIGHT_SENTENCE: Final = 4.0


def language_text(light_text: str) -> str:
    """The part of a lightly normalised message that carries language: no emoji, no numbers."""
    text = _NUMBERS.sub(" ", strip_emoji(light_text))
    text = re.sub(r"[^\w\u200c\s]", " ", text)
    return " ".join(text.split())


def _allowed(text: str) -> tuple[bool, ...]:
    # A Ge'ez syllable or an Arabic letter says more than a Latin one: a few of them
    # decide the script even next to French words ("entrepreneur salarié እንታይ እዩ").
    eth = len(_ETHIOPIC.findall(text))
    arb = len(_ARABIC.findall(text))
    lat = len(_LATIN.findall(text))
    if eth >= 3 or (eth and eth >= arb and eth * 3 >= lat):
        return (False, False, False, True, True)
    if arb >= 3 or (arb and arb * 2 >= lat):
        return (False, True, True, False, False)
    # Latin: French, Arabizi, Latin Dari, or (rarely) Latin Tigrinya.
    return (True, True, True, True, False)


def identify(
    light_text: str, model: LinearModel, known_lang: str | None = None
) -> tuple[str, float]:
    """(language, confidence) of a lightly normalised message."""
    text = language_text(light_text)
    if not any(c.isalpha() for c in text):
        return UNKNOWN_LANG, 0.0
    probs = model.proba(language_features(text)).astype(np.float64)
    probs *= np.asarray(_allowed(text), dtype=np.float64)
    if _ARABIC.search(text) and _PERSIAN_LETTERS.search(text):
        probs[LANG_LABELS.index("ar")] *= 0.05  # Arabic has no پ چ ژ گ
    if known_lang in LANG_LABELS:
        weight = KNOWN_LANG_WEIGHT.get(len(text.split()), KNOWN_LANG_WEIGHT_SENTENCE)
        probs[LANG_LABELS.index(known_lang)] *= weight
    total = probs.sum()
    if total <= 0:
        return UNKNOWN_LANG, 0.0
    probs /= total
    best = int(probs.argmax())
    lang, conf = LANG_LABELS[best], float(probs[best])
    if lang == "am":
        return UNKNOWN_LANG, conf
    if conf < MIN_CONFIDENCE:
        return (known_lang, conf) if known_lang in LANG_LABELS[:4] else (UNKNOWN_LANG, conf)
    return lang, conf
