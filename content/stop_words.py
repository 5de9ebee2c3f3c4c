"""The one word that stops the weekly nudges, in every language; the first is the one shown."""

from __future__ import annotations

STOP_WORDS: dict[str, tuple[str, ...]] = {
    "fr": ("STOP", "arrete", "arrêter", "arrêt"),
    "ar": ("توقف", "قف", "ستوب"),
    "prs": ("بس", "توقف", "ستاپ"),
    "ti": ("ኣቋርጽ", "ደው በል", "ስቶፕ"),
}


def stop_word(lang: str) -> str:
    return STOP_WORDS.get(lang, STOP_WORDS["fr"])[0]
