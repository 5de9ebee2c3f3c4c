"""Entry point of understanding: text (+ what we know of the contact) -> ParseResult.

Pure once loaded: the model is built if needed and read once per process (`nlu.store`),
then every call is a function of its arguments.
"""

from __future__ import annotations

import re
import sys
import zipfile
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

import numpy as np

from nlu import entities, normalize, store
from nlu.classifier import LinearModel, load
from nlu.features import intent_features
from nlu.language import digits_hint, identify
from nlu.types import UNKNOWN_LANG, ParseResult

_BARE_NUMBER: Final = re.compile(r"[\d\s.,:;%+\-/]*")
# Share of a message's features the model has seen; below it, the message is unknown
# ground (keyboard mashing, a language we do not serve) whatever the probabilities say.
MIN_COVERAGE: Final = 0.45

Models = tuple[LinearModel, LinearModel]


@lru_cache(maxsize=4)
def load_models(path: Path) -> Models:
    """(intent model, language model) of one model file."""
    loaded, _meta = load(path)
    return loaded["intent"], loaded["language"]


@cache
def models(model_dir: Path | str | None = None) -> Models:
    """The models of the cache folder (`nlu.store.model_dir`), built when missing or stale,
    loaded once. A file that cannot be read (truncated, or not ours) is built again."""
    path = store.ensure(model_dir)
    try:
        return load_models(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        print(f"nlu: cannot read {path} ({type(exc).__name__}); building it again", file=sys.stderr)
        return load_models(store.ensure(model_dir, force=True))


def guess_language(
    text: str, known_lang: str | None = None, *, model_dir: Path | str | None = None
) -> tuple[str, float]:
    """(language, confidence) of a raw message; `und` when the text does not tell."""
    return identify(normalize.light(text), models(model_dir)[1], known_lang, digits_hint(text))


def classify(
    folded: str, *, model_dir: Path | str | None = None
) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """(intent, confidence, top-3 ranking) of a folded message, threshold applied."""
    intent_model = models(model_dir)[0]
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
    model_dir: Path | str | None = None,
) -> ParseResult:
    """A ParseResult around an intent decided elsewhere (here, or by Rasa): adds language
    and entities, which only this package computes."""
    light = normalize.light(text)
    lang, lang_conf = identify(light, models(model_dir)[1], known_lang, digits_hint(text))
    number_lang = lang if lang != UNKNOWN_LANG else (known_lang or UNKNOWN_LANG)
    found = entities.extract(
        normalize.sale_text(text), number_lang, sale_context=intent == "log_sale"
    )
    return ParseResult(
        text=text,
        lang=lang,
        intent=intent,
        confidence=round(confidence, 4),
        entities=found,
        lang_confidence=round(lang_conf, 4),
        ranking=ranking,
    )


def parse(
    text: str, *, known_lang: str | None = None, model_dir: Path | str | None = None
) -> ParseResult:
    intent, conf, ranking = classify(normalize.fold(text), model_dir=model_dir)
    return assemble(text, intent, conf, known_lang=known_lang, ranking=ranking, model_dir=model_dir)
