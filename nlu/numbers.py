"""Numbers as users type them: digits of every script, and number words in four languages."""

from __future__ import annotations

import re
from typing import Final

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Ge'ez numerals: ፩-፱ units, ፲-፺ tens, ፻ hundred, ፼ ten thousand; no zero, no place value:
# ፵፭ = 40 + 5, ፻፳ = 100 + 20, ፪፻፶ = 2 × 100 + 50, ፲፪፻ = 12 × 100.
_GEEZ: Final = {chr(0x1369 + i): i + 1 for i in range(9)} | {
    chr(0x1372 + i): (i + 1) * 10 for i in range(9)
}
_GEEZ_HUNDRED, _GEEZ_MYRIAD = "\u137b", "\u137c"
_GEEZ_RUN = re.compile("[\u1369-\u137c]+")


def geez_value(numeral: str) -> int:
    """The value of a run of Ge'ez numerals."""
    total, current = 0, 0
    for ch in numeral:
        if ch == _GEEZ_HUNDRED:
            current = (current or 1) * 100
        elif ch == _GEEZ_MYRIAD:
            total += (current or 1) * 10000
            current = 0
        else:
            current += _GEEZ[ch]
    return total + current


def ascii_digits(text: str) -> str:
    """Arabic-Indic (٠-٩), Persian (۰-۹) and Ge'ez (፩-፼) numerals become 0-9; nothing else
    changes. A Ge'ez numeral touching a word is set apart from it ("ብ፳" -> "ብ 20")."""
    text = text.translate(_DIGITS)
    if _GEEZ_RUN.search(text):
        text = _GEEZ_RUN.sub(lambda m: f" {geez_value(m.group(0))} ", text)
        text = re.sub(r"[ ]{2,}", " ", text).strip()
    return text


# Number words, written as `nlu.normalize.fold` leaves them (no accents; Arabic ی ک ه).
# Latin-script Arabizi and Dari words are listed per language: "se", "si", "du" are
# French words too, so they count as numbers only in a message known to be Dari.
_ARABIC_WORDS: dict[str, float] = {
    # Arabic (MSA and dialects)
    "صفر": 0,
    "واحد": 1,
    "واحده": 1,
    "اثنین": 2,
    "اثنان": 2,
    "اتنین": 2,
    "تنین": 2,
    "زوج": 2,
    "جوج": 2,
    "ثلاثه": 3,
    "ثلاث": 3,
    "تلاته": 3,
    "تلاتا": 3,
    "تلات": 3,
    "اربعه": 4,
    "اربع": 4,
    "ربعه": 4,
    "خمسه": 5,
    "خمس": 5,
    "سته": 6,
    "سبعه": 7,
    "سبع": 7,
    "ثمانیه": 8,
    "تمانیه": 8,
    "ثمنیه": 8,
    "تسعه": 9,
    "تسع": 9,
    "عشره": 10,
    "عشر": 10,
    "احدعش": 11,
    "حداش": 11,
    "اثنعش": 12,
    "اطناش": 12,
    "طناش": 12,
    "ثلاثطعش": 13,
    "تلتاش": 13,
    "اربعطاش": 14,
    "ربعتاش": 14,
    "خمستاش": 15,
    "خمسطاش": 15,
    "خمسطعش": 15,
    "تلطاش": 13,
    "ربعطاش": 14,
    "ستاش": 16,
    "سطاش": 16,
    "سبعتاش": 17,
    "سبعطاش": 17,
    "تمنتاش": 18,
    "تمنطاش": 18,
    "تسعتاش": 19,
    "تسعطاش": 19,
    "عشرین": 20,
    "عشرون": 20,
    "ثلاثین": 30,
    "تلاتین": 30,
    "ثلاثون": 30,
    "اربعین": 40,
    "ربعین": 40,
    "اربعون": 40,
    "خمسین": 50,
    "خمسون": 50,
    "ستین": 60,
    "سبعین": 70,
    "ثمانین": 80,
    "تمانین": 80,
    "تسعین": 90,
    "میه": 100,
    "مئه": 100,
    "مایه": 100,
    "ماءه": 100,
    "میتین": 200,
    "الف": 1000,
    "الفین": 2000,
    # a half: "بخمسة أورو ونص" is 5.5, "نص يورو" 0.5
    "نص": 0.5,
    "ونص": 0.5,
    "نصف": 0.5,
}
_DARI_WORDS: dict[str, float] = {
    "یک": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "چار": 4,
    "پنج": 5,
    "شش": 6,
    "هفت": 7,
    "هشت": 8,
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "سیزده": 13,
    "چهارده": 14,
    "پانزده": 15,
    "پونزده": 15,
    "شانزده": 16,
    "هفده": 17,
    "هجده": 18,
    "هژده": 18,
    "نوزده": 19,
    "بیست": 20,
    "سی": 30,
    "چهل": 40,
    "پنجاه": 50,
    "شصت": 60,
    "هفتاد": 70,
    "هشتاد": 80,
    "نود": 90,
    "صد": 100,
    "یکصد": 100,
    "دوصد": 200,
    "سهصد": 300,
    "سیصد": 300,
    "چهارصد": 400,
    "چارصد": 400,
    "پنجصد": 500,
    "ششصد": 600,
    "هفتصد": 700,
    "هشتصد": 800,
    "نهصد": 900,
    "هزار": 1000,
    "نیم": 0.5,  # "دو و نیم یورو" is 2.5
}
_TIGRINYA_WORDS: dict[str, float] = {
    "ሓደ": 1,
    "ሓንቲ": 1,
    "ክልተ": 2,
    "ሰለስተ": 3,
    "ኣርባዕተ": 4,
    "ሓሙሽተ": 5,
    "ሽዱሽተ": 6,
    "ሸውዓተ": 7,
    "ሸሞንተ": 8,
    "ትሽዓተ": 9,
    "ዓሰርተ": 10,
    "ዕስራ": 20,
    "ሰላሳ": 30,
    "ኣርብዓ": 40,
    "ኣርባዓ": 40,
    "ሓምሳ": 50,
    "ስሳ": 60,
    "ስልሳ": 60,
    "ሱሳ": 60,
    "ሰብዓ": 70,
    "ሰማንያ": 80,
    "ቴስዓ": 90,
    "ተስዓ": 90,
    "ሚእቲ": 100,
    "ሚእት": 100,  # before the -ን of "and": ሚእትን
    "ሽሕ": 1000,
    "ፍርቂ": 0.5,
}

_LATIN_WORDS: Final[dict[str, dict[str, float]]] = {
    "fr": {
        "zero": 0,
        "un": 1,
        "une": 1,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "onze": 11,
        "douze": 12,
        "treize": 13,
        "quatorze": 14,
        "quinze": 15,
        "seize": 16,
        "vingt": 20,
        "vingts": 20,
        "trente": 30,
        "quarante": 40,
        "cinquante": 50,
        "soixante": 60,
        "quatrevingt": 80,
        "quatrevingts": 80,
        "cent": 100,
        "cents": 100,
        "mille": 1000,
        "demi": 0.5,
    },
    "ar": {
        "wa7ed": 1,
        "wahed": 1,
        "jouj": 2,
        "zouj": 2,
        "joj": 2,
        "tnin": 2,
        "itnin": 2,
        "tlata": 3,
        "tleta": 3,
        "tlat": 3,
        "arba3a": 4,
        "rb3a": 4,
        "khamsa": 5,
        "5amsa": 5,
        "sitta": 6,
        "setta": 6,
        "sab3a": 7,
        "seb3a": 7,
        "tmanya": 8,
        "tmenya": 8,
        "tes3a": 9,
        "tis3a": 9,
        "3achra": 10,
        "3ashra": 10,
        "3echra": 10,
        "3ichrin": 20,
        "3ishrin": 20,
        "3echrin": 20,
        "3achrin": 20,
        "tlatin": 30,
        "tletin": 30,
        "arb3in": 40,
        "rb3in": 40,
        "khamsin": 50,
        "5amsin": 50,
        "sittin": 60,
        "settin": 60,
        "sab3in": 70,
        "tmanin": 80,
        "tes3in": 90,
        "mya": 100,
        "miya": 100,
        "meya": 100,
        "alf": 1000,
        "nuss": 0.5,
    },
    "prs": {
        "yak": 1,
        "yek": 1,
        "du": 2,
        "do": 2,
        "se": 3,
        "seh": 3,
        "chahar": 4,
        "char": 4,
        "panj": 5,
        "shash": 6,
        "shish": 6,
        "haft": 7,
        "hasht": 8,
        "noh": 9,
        "dah": 10,
        "yazdah": 11,
        "duwazdah": 12,
        "dawazdah": 12,
        "panzdah": 15,
        "bist": 20,
        "si": 30,
        "chehel": 40,
        "chel": 40,
        "panjah": 50,
        "shast": 60,
        "haftad": 70,
        "hashtad": 80,
        "nawad": 90,
        "sad": 100,
        "hazar": 1000,
        "nim": 0.5,
    },
}
# Latin-script Tigrinya, as typed on a phone without a Ge'ez keyboard.
_LATIN_WORDS["ti"] = {
    "hade": 1,
    "hadde": 1,
    "kilte": 2,
    "kelte": 2,
    "seleste": 3,
    "arbaete": 4,
    "arbaate": 4,
    "hamushte": 5,
    "hamshte": 5,
    "shidushte": 6,
    "shewate": 7,
    "shemonte": 8,
    "tshate": 9,
    "aserte": 10,
    "asserte": 10,
    "esra": 20,
    "isra": 20,
    "selasa": 30,
    "arba": 40,
    "hamsa": 50,
    "susa": 60,
    "seba": 70,
    "semanya": 80,
    "tesa": 90,
    "mieti": 100,
    "miti": 100,
    "shih": 1000,
}
# Keys are written in folded form already; fold again in case an editor typed ي for ی.
_KEY_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه"})
_ARABIC_WORDS = {k.translate(_KEY_FOLD): v for k, v in _ARABIC_WORDS.items()}
_DARI_WORDS = {k.translate(_KEY_FOLD): v for k, v in _DARI_WORDS.items()}
# Arabic and Dari share a script, and a message may be mislabelled between them, so each
# reads the other's number words too, except those that are ordinary words in it:
# Egyptian "ده" is "this", Maghrebi "سی" is "Mr.", "دو" the French "du" of street names;
# Dari "واحد" is "unit", "الف" the letter.
_NOT_NUMBERS: Final[dict[str, frozenset[str]]] = {
    "ar": frozenset({"ده", "سی", "دو"}),
    "prs": frozenset({"واحد", "واحده", "الف"}),
}
_SCRIPT_WORDS: Final[dict[str, dict[str, float]]] = {
    lang: {
        k: v
        for k, v in {**_ARABIC_WORDS, **_DARI_WORDS, **_TIGRINYA_WORDS}.items()
        if k not in _NOT_NUMBERS.get(lang, frozenset())
    }
    for lang in ("ar", "prs", "other")
}

# Words that join number words: French "et", Arabic "و"/"wa", Dari "و"/"o".
_JOINERS: Final = frozenset({"et", "و", "wa", "w", "o", "u"})
# Words that are numbers only next to a currency: Dari "نه" (nine) is also "no".
_CURRENCY_ONLY: Final[dict[str, float]] = {"نه": 9, "نو": 9}

_QUATRE_VINGT = re.compile(r"\bquatre[ -]vingts?\b")
_TI_SUFFIX = "ን"  # Tigrinya "and": ኣርብዓን ሓሙሽተን = forty-five


def word_value(token: str, lang: str) -> float | None:
    """The value of one whole number word, or None.

    Only the Arabic "و" ("and") prefix and the Tigrinya "-ን" suffix are taken off, and
    the prefix only before an Arabic number word: Dari "وده" or "بده" ("give!") is not 10.
    """
    words = _SCRIPT_WORDS.get(lang, _SCRIPT_WORDS["other"])
    value = words.get(token)
    if value is None:
        value = _LATIN_WORDS.get(lang, _LATIN_WORDS["fr"] if lang == "und" else {}).get(token)
    if value is None and len(token) > 3 and token[0] == "و":
        value = arabic_word_value(token[1:], lang)
    if value is None and len(token) > 2 and token.endswith(_TI_SUFFIX):
        value = _TIGRINYA_WORDS.get(token[:-1])
    return value


def tigrinya_word_value(token: str) -> float | None:
    """The value of a Tigrinya number word in Ge'ez script (as after a "ብ" prefix), with or
    without the "-ን" of "and" ("ብሰላሳን ሓሙሽተን": for thirty-five)."""
    value = _TIGRINYA_WORDS.get(token)
    if value is None and len(token) > 2 and token.endswith(_TI_SUFFIX):
        value = _TIGRINYA_WORDS.get(token[:-1])
    return value


def arabic_word_value(token: str, lang: str) -> float | None:
    """The value of an Arabic number word (never a Dari one), as after a "و" or "ب" prefix."""
    if token in _NOT_NUMBERS.get(lang, frozenset()):
        return None
    return _ARABIC_WORDS.get(token)


def currency_only_value(token: str) -> float | None:
    return _CURRENCY_ONLY.get(token)


def is_joiner(token: str) -> bool:
    return token in _JOINERS


def combine(values: list[float]) -> float:
    """Add number-word values, multiplying by hundreds and thousands: 'deux cent vingt' = 220."""
    total = 0.0
    current = 0.0
    for v in values:
        if v == 100:
            current = (current or 1) * 100
        elif v == 1000:
            total += (current or 1) * 1000
            current = 0
        else:
            current += v
    return total + current


def prepare_french(text: str) -> str:
    """'quatre-vingt(s)' is one number (80), not 4 and 20."""
    return _QUATRE_VINGT.sub("quatrevingt", text)
