"""Entry point of understanding: text (+ what we know of the contact) -> ParseResult.

Pure: the model is read once from the file shipped in the package, then every
call is a function of its arguments.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np

from nlu import entities, normalize
from nlu.classifier import LinearModel, intent_features, load
from nlu.language import identify
from nlu.types import UNKNOWN_LANG, ParseResult

_BARE_NUMBER: Final = re.compile(r"[\d\s.,:;%+\-/]*")
# Share of a message's features the model has seen; below it, the message is unknown
# ground (keyboard mashing, a language we do not serve) whatever the probabilities say.
MIN_COVERAGE: Final = 0.45
MODEL_PATH: Final = Path(__file__).parent / "model" / "embedded.json"


@cache
def models(path: Path = MODEL_PATH) -> tuple[LinearModel, LinearModel]:
    """(intent model, language model), loaded once."""
    loaded, _meta = load(path)
    return loaded["intent"], loaded["language"]


def guess_language(text: str, known_lang: str | None = None) -> tuple[str, float]:
    """(language, confidence) of a raw message; `und` when the text does not tell."""
    return identify(normalize.light(text), models()[1], known_lang)


def classify(folded: str) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """(intent, confidence, top-3 ranking) of a folded message, threshold applied."""
    intent_model = models()[0]
    if not folded or _BARE_NUMBER.fullmatch(folded):
        # Nothing to understand ("", "12", "1"): the engine reads numbers itself.
        return "out_of_scope", 1.0, ()
    features = intent_features(folded)
    probs = intent_model.proba(features)
    top = np.argsort(probs)[::-1][:3]
    ranking = tuple((intent_model.labels[i], round(float(probs[i]), 4)) for i in top)
    intent, conf = ranking[0]
    if conf < intent_model.threshold or intent_model.coverage(features) < MIN_COVERAGE:
        return "out_of_scope", conf, ranking
    return intent, conf, ranking


def assemble(
    text: str,
    intent: str,
    confidence: float,
    *,
    known_lang: str | None = None,
    ranking: tuple[tuple[str, float], ...] = (),
) -> ParseResult:
    """A ParseResult around an intent decided elsewhere (here, or by Rasa): adds language
    and entities, which only this package computes."""
    light = normalize.light(text)
    folded = normalize.fold(text)
    lang, lang_conf = identify(light, models()[1], known_lang)
    number_lang = lang if lang != UNKNOWN_LANG else (known_lang or UNKNOWN_LANG)
    found = entities.extract(folded, number_lang, sale_context=intent == "log_sale")
    return ParseResult(
        text=text,
        lang=lang,
        intent=intent,
        confidence=round(confidence, 4),
        entities=found,
        lang_confidence=round(lang_conf, 4),
        ranking=ranking,
    )


def parse(text: str, *, known_lang: str | None = None) -> ParseResult:
    intent, conf, ranking = classify(normalize.fold(text))
    return assemble(text, intent, conf, known_lang=known_lang, ranking=ranking)
