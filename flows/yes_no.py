"""Yes and no as people type them, in our four languages and the words everyone uses ("ok",
"yes", 👍): the typed answers that count as explicit where a guess could hurt.

Words are written folded (see `fold`): lower case, no accents or Arabic marks, ی ک ة ى
written ي ك ه ي, apostrophes dropped ("d'accord" -> "daccord"), letters repeated three
times or more written once ("ouiii" -> "oui").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from nlu.numbers import ascii_digits

YesNo = Literal["yes", "no"]

YES_SIGNS = frozenset("👍👌✅✔☑🆗🙆")
NO_SIGNS = frozenset("👎❌✖🚫⛔🙅")
POLITE_SIGNS = frozenset("🙏😊🙂")
_SIGNS = YES_SIGNS | NO_SIGNS | POLITE_SIGNS
# Skin tones, variation selectors and joiners only dress a sign: "👍🏽" is "👍".
_DRESSING = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d\u20e3]")
_STRETCH = re.compile(r"(\D)\1{2,}")
_ARABIC_VARIANTS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه", "ـ": ""})
_APOSTROPHES = "'’`´ʼ"


def _words(*groups: str) -> frozenset[str]:
    words = frozenset(fold(w) for group in groups for w in group.split(","))
    return words - {""}


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The text as words compare: see the module docstring. Signs (👍 ❌) stay, as words."""
    text = _DRESSING.sub("", unicodedata.normalize("NFKC", text))
    text = ascii_digits(text.casefold()).translate(_ARABIC_VARIANTS)
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch in _SIGNS:
            out.append(f" {ch} ")
        elif ch in _APOSTROPHES or unicodedata.category(ch)[0] == "M":
            continue
        elif unicodedata.category(ch)[0] in "LN":
            out.append(ch)
        else:
            out.append(" ")
    folded = unicodedata.normalize("NFC", "".join(out))
    return " ".join(_STRETCH.sub(r"\1", folded).split())


# By language: a yes or a no typed in one of them also tells the language it was typed in
# (flows/engine.py: "shall we continue in French?" answered "نعم"). None: said everywhere.
YES_BY_LANG: dict[str | None, frozenset[str]] = {
    # fr, and what French speakers type
    "fr": _words(
        "oui,ouais,ouai,wi,ui,voui,dac,dacc,d'accord,bien sûr,évidemment,exactement,exact,"
        "volontiers,tout à fait,absolument,certainement,entendu,c'est ça,vas-y"
    ),
    # ar: MSA, Maghreb darija, Levantine, Egyptian, Sudanese; Arabizi
    "ar": _words(
        "نعم,ايه,إيه,ايوه,أيوة,ايوا,اي,إي,آه,واه,وخا,واخا,صح,أكيد,موافق,موافقة,طيب,حاضر,تمام,"
        "na3am,naam,aywa,aiwa,iwa,iyeh,wah,wakha,waxa,sah,akid,tamam,mwafe9,mowafi9"
    ),
    # prs (Dari), also typed in Latin letters
    "prs": _words(
        "بلی,بله,آری,آره,درست,خوب,موافقم,موافق هستم,bale,bali,baleh,bele,are,khob,khub,mowafeqam"
    ),
    # ti (Tigrinya, Eritrean), also in Latin letters
    "ti": _words("እወ,እወ እወ,ሕራይ,ይኹን,እሺ,ewe,ewa,iwe,hray,hrai,hiray,eshi,ishi"),
    # en, and what everyone types
    None: _words("ok,okay,oki,okey,yes,yeah,yep,sure,of course,alright,all right", *YES_SIGNS),
}
NO_BY_LANG: dict[str | None, frozenset[str]] = {
    "fr": _words("non,nan,nop,pas d'accord,surtout pas,jamais"),
    "ar": _words("لا,لاء,لأ,لا لا,مش موافق,غير موافق,أبدا,la,laa,lla,lala"),
    "prs": _words("نه,نخیر,نی,موافق نیستم,na,nakhair,nakheir,nakhir,naxeir"),
    "ti": _words("ኣይፋል,ኣይፋልን,አይፋል,ኣይደልን,ayfal,aifal"),
    None: _words("no,nope,nah", *NO_SIGNS),
}
YES = frozenset().union(*YES_BY_LANG.values())
NO = frozenset().union(*NO_BY_LANG.values())
# The plain yes of each language (and its usual spellings): what an irreversible step
# accepts (flows/model.py Choice.firm); not "ok", 👍, خوب, طيب, which also mean "fine".
FIRM_YES = _words(
    "oui,ouais,wi,yes,نعم,na3am,naam,ايوه,أيوة,aywa,aiwa,ايه,إيه,بلی,بله,bale,bali,baleh,"
    "bele,آری,آره,እወ,እወ እወ,ewe,iwe"
)
# Also ordinary words of a sentence ("la" in French, "are" or "sure" in English, خوب نیست):
# they count only when they are the whole answer.
ALONE_ONLY = _words("la,laa,na,nah,are,sure,exact,entendu,jamais,خوب,درست,اي,إي,نی")
# Courtesies that may come with a yes or a no without changing it.
POLITE = _words(
    "merci,merci beaucoup,svp,stp,s'il vous plaît,s'il te plaît,please,thanks,thank you,"
    "شكرا,شكرا جزيلا,choukran,shukran,تشکر,ممنون,مرسی,tashakor,የቐንየለይ,yekenyeley",
    ",".join(POLITE_SIGNS),
)


def _strip_polite(folded: str) -> str:
    words = folded.split()
    for phrase in sorted(POLITE, key=len, reverse=True):  # longest first: "merci beaucoup"
        parts = phrase.split()
        i = 0
        while i + len(parts) <= len(words):
            if words[i : i + len(parts)] == parts:
                del words[i : i + len(parts)]
            else:
                i += 1
    return " ".join(words)


def _only(words: str, vocabulary: frozenset[str]) -> bool:
    """The words are expressions of the vocabulary and nothing else: "oui", "oui oui",
    "oui bien sûr"."""
    parts = words.split()

    def covered(start: int) -> bool:
        if start == len(parts):
            return True
        return any(
            " ".join(parts[start:end]) in vocabulary and covered(end)
            for end in range(start + 1, min(start + 3, len(parts)) + 1)
        )

    return bool(parts) and covered(0)


@lru_cache(maxsize=4096)
def exact_yes_no(text: str) -> YesNo | None:
    """ "yes" or "no" when the whole message says only that (courtesies aside): "Oui !",
    "👍", "non merci", "بلی", "እወ". A sentence that merely contains a yes is neither."""
    words = _strip_polite(fold(text))
    if _only(words, YES):
        return "yes"
    if _only(words, NO):
        return "no"
    return None


@lru_cache(maxsize=4096)
def yes_no_in(text: str) -> YesNo | None:
    """ "yes" or "no" when the message has a yes (or a no) word and not the other: "oui je
    continue en français", "نعم أكمل". For questions where a wrong reading does no harm."""
    exact = exact_yes_no(text)
    if exact:
        return exact
    words = fold(text).split()
    found: set[YesNo] = set()
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase in ALONE_ONLY:
                continue
            if phrase in YES:
                found.add("yes")
            if phrase in NO:
                found.add("no")
    return found.pop() if len(found) == 1 else None


# "I agree": with a plain yes, what the consent question accepts (it asks "do you agree?").
AGREE = _words("d'accord,dac,موافق,موافقة,موافقم,موافق هستم,mowafeqam,mwafe9,mowafi9")


@lru_cache(maxsize=4096)
def yes_no_lang(text: str) -> str | None:
    """The language a message that is only a yes or a no is written in, when its words
    belong to one language only: "نعم" ar, "እወ" ti, "bale" prs; None for "ok", 👍, "no"."""
    said = exact_yes_no(text)
    if said is None:
        return None
    table = YES_BY_LANG if said == "yes" else NO_BY_LANG
    words = _strip_polite(fold(text))
    langs = {lang for lang, vocabulary in table.items() if lang and _only(words, vocabulary)}
    return langs.pop() if len(langs) == 1 else None


@lru_cache(maxsize=4096)
def firm_yes(text: str, *, agree: bool = False) -> bool:
    """The message is only a yes, courtesies aside, with a plain yes in it ("oui", "oui bien
    sûr", "نعم", "بله", "እወ") — or, if `agree`, an agreement ("d'accord", "موافق"): not a
    soft "ok", 👍, "خوب" or "طيب" alone (they also mean "fine")."""
    if exact_yes_no(text) != "yes":
        return False
    words = _strip_polite(fold(text)).split()
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    accepted = FIRM_YES | AGREE if agree else FIRM_YES
    return any(phrase in accepted for phrase in {*words, *pairs})
