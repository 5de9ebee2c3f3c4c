"""Entry point of understanding: text (+ what we know of the contact) -> ParseResult.

Provisional keyword version; the NLU issue replaces the internals, keeping this API.
"""

from __future__ import annotations

import re
import unicodedata

from nlu.types import UNKNOWN_LANG, ParseResult

_ETHIOPIC = re.compile(r"[\u1200-\u137F]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "menu": ("menu", "منو", "قائمة", "ዝርዝር", "مينو"),
    "change_language": ("langue", "language", "لغة", "زبان", "ቋንቋ"),
    "talk_to_human": ("humain", "personne", "conseill", "شخص", "انسان", "إنسان", "ሰብ"),
    "privacy": ("donnees", "données", "mes donnees", "بيانات", "معلومات", "ሓበሬታ"),
    "greet": ("bonjour", "salut", "salam", "سلام", "مرحبا", "ሰላም"),
    "thanks": ("merci", "شكرا", "تشکر", "ممنون", "የቐንየለይ"),
    "affirm": ("oui", "نعم", "بله", "እወ", "ok", "d'accord"),
    "deny": ("non", "لا", "نه", "ኣይፋል", "ኣይ"),
}


def guess_language(text: str) -> tuple[str, float]:
    if _ETHIOPIC.search(text):
        return "ti", 0.9
    if _ARABIC.search(text):
        return ("prs", 0.7) if _PERSIAN_ONLY.search(text) else ("ar", 0.7)
    if _LATIN.search(text):
        return "fr", 0.5
    return UNKNOWN_LANG, 0.0


def parse(text: str, *, known_lang: str | None = None) -> ParseResult:
    clean = unicodedata.normalize("NFKC", text).casefold().strip()
    lang, lang_conf = guess_language(clean)
    for intent, words in _KEYWORDS.items():
        if any(w in clean for w in words):
            return ParseResult(text, lang, intent, 0.8, (), lang_conf)
    return ParseResult(text, lang, "out_of_scope", 0.0, (), lang_conf)
