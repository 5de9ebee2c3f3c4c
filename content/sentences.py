"""Sentence splitting before machine translation: punctuation rules for our four scripts.

Translation models work sentence by sentence. argostranslate's own splitters all reach
for the network (stanza checks its resources online, MiniSBD and spaCy's sentence model
are downloaded on first use), and spaCy's rule-based sentencizer keeps the Ethiopic full
stop (።) glued to its word; so the rules live here: no model, no I/O.
"""

from __future__ import annotations

import re
from typing import Final

# Longer sentences are cut at a space: models are trained on sentences, and a run-on
# text with no full stop (a 5,000-character message) must not be truncated by the model.
MAX_SENTENCE_CHARS: Final = 250

# Closing quotes and brackets stay with their sentence: "« C'est fini. » Après…".
_CLOSERS = r"(?:[ \u00a0\u202f]*[»\"”’)\]])*"
# Latin and Arabic-script ends count before a space (so "3.5" and "bonjour.fr" stay
# whole); Ethiopic ends (። ፧ ፨) always count, since a space often does not follow them.
_END = re.compile(rf"[.!?…؟۔]+{_CLOSERS}(?=\s)|[።፧፨]+{_CLOSERS}")
# A full stop after these is an abbreviation, not a sentence end: "M. Diallo", "J. K.".
_ABBREVIATIONS: Final = frozenset(
    {"m", "mme", "mlle", "mgr", "dr", "pr", "me", "st", "ste", "cf", "ex", "av", "bd", "n°"}
)
_LAST_WORD = re.compile(r"(\S+)$")


def _is_abbreviation(before: str) -> bool:
    match = _LAST_WORD.search(before)
    if not match:
        return False
    word = match.group(1)
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _capped(sentence: str) -> list[str]:
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS + 1)
        if cut <= 0:
            cut = MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence)
    return pieces


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (one paragraph), stripped; none for blank text."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if match.group() == "." and _is_abbreviation(text[start : match.start()]):
            continue
        sentences.extend(_capped(text[start : match.end()].strip()))
        start = match.end()
    sentences.extend(_capped(text[start:].strip()))
    return [s for s in sentences if s]


class SentenceSplitter:
    """`split_sentences` where argostranslate expects a sentence-boundary model.

    It counts the sentences it hands out, that is, the sentences sent to the model.
    """

    def __init__(self) -> None:
        self.sentences = 0

    def split_sentences(self, text: str) -> list[str]:
        sentences = split_sentences(text)
        self.sentences += len(sentences)
        return sentences
