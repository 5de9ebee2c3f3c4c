"""The panel's machine translator (TRANSLATION_BACKEND), made once per process: staff read a
person's questions in French, marked as machine translations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from content.translate import NoTranslator, TranslationError, Translator, make_translator


@cache
def translator(backend: str, models_dir: Path) -> Translator:
    try:
        return make_translator(backend, models_dir)
    except TranslationError:  # a broken configuration: the original texts are shown
        return NoTranslator()
