"""Text normalisation: one spelling for the many ways users type the same word.

Two levels. `light` keeps what tells languages apart (Persian ک ی vs Arabic ك ي,
the zero-width non-joiner, ة); `fold` goes further for intent features and
number words, merging those variants so a Dari user on an Arabic keyboard and an
Arabic user on a Persian one look alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlu.numbers import ascii_digits

ZWNJ = "\u200c"
_TATWEEL = "\u0640"

# Invisible or presentation-only characters: bidi controls, BOM, joiners, variation
# selectors, emoji skin tones. ZWNJ is handled separately (it is a Dari signal).
_INVISIBLE = re.compile(
    "[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]"
)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff"
    "\u2700-\u27bf\u3030\u303d\u00a9\u00ae\u2122]"
)
# Three or more of the same letter collapse to one: "salaaaam", "merciiii", "مرحبااا".
_STRETCH = re.compile(r"(\D)\1{2,}")
_SPACES = re.compile(r"\s+")
# Punctuation becomes a space, except where it sits inside numbers and words (45,50 ; l'aide).
# Ge'ez punctuation too: the wordspace "፡" (often typed right after a word), "።" "፣" "፤"...
_PUNCT = re.compile(r"[!?¿¡؟،؛,;:.\"“”«»()\[\]{}<>/\\|*_~^`+=#…—–\-፡።፣፤፥፦፧፨]")
_INNER_PUNCT = re.compile(r"(?<=\d)[.,٫](?=\d)")
# "+" and "*" between amounts are arithmetic, kept as tokens: "15+20" -> "15 + 20",
# "12*8" -> "12 x 8".
_SUM = re.compile(r"(?<=[\d€])\s*\+\s*(?=\d)")
_TIMES = re.compile(r"(?<=[\d€])\s*\*\s*(?=\d)")
_KEPT_PLUS = "\x00"
_APOSTROPHE = re.compile(r"[’'`´ʼ]")
# French thousands dot: "1.500" and "12.000" are 1500 and 12000 (euros have two decimals,
# so three digits after a dot are never cents); "1.50" and "1,500" stay decimals.
_THOUSANDS_DOT = re.compile(r"(?<![\d.,٫])[1-9]\d{0,2}(?:\.\d{3})+(?![\d٫]|[.,]\d)")
# Dari keyboards type the decimal separator as a slash between Persian digits ("۷/۵ یورو" is
# 7.5); a date has three parts ("۱۴۰۲/۵/۱۲") or digits of another script.
_PERSIAN_DECIMAL = re.compile("(?<![۰-۹/])([۰-۹]{1,4})/([۰-۹]{1,2})(?![۰-۹/])")
# What `sale_text` keeps of the punctuation: item separators and "=" ("2 x 5 = 10").
_SALE_MARKS = re.compile(r"[,،;؛።፣፤]|(?<!\d)\.(?!\d)")
_SALE_EQUALS = re.compile(r"=")
# "0:12" is a duration or a time, never two numbers: it becomes "0h12", which no rule reads.
_CLOCK = re.compile(r"(?<=\d):(?=\d\d)")

_ARABIC_LIGHT = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": "",  # Arabic thousands separator
        "٪": "%",
        "€": " € ",
    }
)
# Folding for features: Arabic/Persian kaf and yeh merge (Persian forms kept), ة -> ه,
# hamza carriers -> their base letter.
_ARABIC_FOLD = str.maketrans(
    {
        "ك": "ک",
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ڪ": "ک",
    }
)


def _strip_marks(text: str) -> str:
    """Drop combining marks (Latin accents, Arabic harakat, shadda, hamza above)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def strip_emoji(text: str) -> str:
    return _EMOJI.sub(" ", text)


@lru_cache(maxsize=4096)
def light(text: str) -> str:
    """Casefolded, accent- and diacritic-free text with ASCII digits and single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace(_TATWEEL, "")
    text = _PERSIAN_DECIMAL.sub(r"\1٫\2", text)
    text = _THOUSANDS_DOT.sub(lambda m: m.group(0).replace(".", ""), ascii_digits(text))
    text = text.translate(_ARABIC_LIGHT)
    text = _strip_marks(text.casefold())
    text = _APOSTROPHE.sub("'", text)
    text = _STRETCH.sub(r"\1", text)
    # Emoji stand alone, so that "merci🙏" gives the word "merci" and the emoji "🙏".
    text = _EMOJI.sub(lambda m: f" {m.group(0)} ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """`light`, then Arabic/Persian letter variants merged, ZWNJ joined, punctuation spaced."""
    return _fold(light(text))


@lru_cache(maxsize=4096)
def sale_text(text: str) -> str:
    """`fold`, keeping what amounts need of the punctuation: "," between items (also for
    "،" ";" "؛" "፣" "፤" and a full stop, "." or "።"), every "+", "=" before a total, and
    times ("0:12" -> "0h12")."""
    text = _CLOCK.sub("h", light(text)).replace("(", " ").replace(")", " ")
    text = _SALE_EQUALS.sub(" \x01 ", text).replace("+", " \x03 ")
    text = _INNER_PUNCT.sub(".", text)
    text = _SALE_MARKS.sub(" \x02 ", text)
    return _fold(text).replace("\x01", "=").replace("\x02", ",").replace("\x03", "+")


def _fold(text: str) -> str:
    text = text.translate(_ARABIC_FOLD).replace(ZWNJ, "")
    text = _INNER_PUNCT.sub(".", text)
    text = _TIMES.sub(" x ", _SUM.sub(_KEPT_PLUS, text))
    text = _PUNCT.sub(lambda m: m.group(0) if m.group(0) == "." else " ", text)
    text = text.replace(_KEPT_PLUS, " + ")
    # A dot that is not a decimal point is punctuation too.
    text = re.sub(r"\.(?!\d)|(?<!\d)\.", " ", text)
    text = text.replace("'", " ")
    return _SPACES.sub(" ", text).strip()
