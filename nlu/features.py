"""What the models see of a message: character n-grams inside words, words, word pairs."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _char_ngrams(word: str, lo: int, hi: int) -> Iterable[str]:
    padded = f"<{word}>"
    for n in range(lo, hi + 1):
        for i in range(len(padded) - n + 1):
            yield padded[i : i + n]


def intent_features(folded: str) -> list[str]:
    """Features of a folded message (`nlu.normalize.fold`) for the intent model."""
    words = ["<num>" if _NUMBER.match(w) else w for w in folded.split()]
    feats: set[str] = set()
    for w in words:
        feats.add("w:" + w)
        if w != "<num>" and len(w) > 1:
            feats.update("c:" + g for g in _char_ngrams(w, 2, 5))
    for a, b in itertools.pairwise(words):
        feats.add(f"b:{a}_{b}")
    return sorted(feats)


def language_features(text: str) -> list[str]:
    """Features of a lightly normalised, emoji- and number-free message for language ID."""
    feats: set[str] = set()
    for w in text.split():
        feats.add("w:" + w)
        feats.update("c:" + g for g in _char_ngrams(w, 1, 4))
    return sorted(feats)
