"""Sale entities from folded text: amount (total in euros), quantity, product and day.

Rules, not a model: "12 repas à 8€" is 12 × 8 because of the unit-price marker "à";
"12 repas 96€" is 96; "30€ + 15€" is 45; "3 robes à 20€ et 2 sacs à 15€" is 90. Number
words and Ge'ez numerals become numbers first. Where the words leave it open whether a
price is per item or for all ("بعت 3 فساتين ب 60 يورو": "for 60" or "at 60 each"), the
sale carries both readings: `amount` the likelier, `alternative` the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from nlu import numbers
from nlu.types import Entity

_CURRENCY: Final = frozenset(
    {
        "€",
        "e",
        "eur",
        "euro",
        "euros",
        "euroes",
        "euors",
        "eruos",
        "eur0",
        "balles",
        "yuro",
        "یوروهات",
        "ایورو",
        "uro",
        "ewro",
        "yoro",
        "youro",
        "oro",
        "یورو",
        "یوروی",
        "اورو",
        "ایرو",
        "یوروها",
        "ዩሮ",
        "ኤውሮ",
        "ኦይሮ",
        "ዩሮታት",
        "ዩሮን",
    }
)
_CENTIMES: Final = frozenset(
    {"centimes", "centime", "cts", "ct", "سنتیم", "سانتیم", "سنت", "سانتیمات", "ሳንቲም", "ሳንቲምን"}
)
# Before a number: the price of one ("12 repas à 8€", "3 x @ 5").
_EACH_PREP: Final = frozenset({"a", "@"})
# Before a number: money, "for" more often than "each" ("بعت 3 فساتين ب 60": for 60, all
# three); after a quantity without another marker, both readings are kept.
_FOR_PREP: Final = frozenset({"ب", "بـ", "b", "ብ", "ba", "bi", "be", "به"})
_UNIT_PREP: Final = _EACH_PREP | _FOR_PREP
# After a price or anywhere: "chacun", "la pièce", "الواحد", "هر کدام", "ነፍሲ ወከፍ".
_EACH: Final = frozenset(
    {
        "chacun",
        "chacune",
        "chaque",
        "piece",
        "pieces",
        "unite",
        "par",
        "each",
        "الواحد",
        "للواحد",
        "لکل",
        "کل",
        "الحبه",
        "للحبه",
        "لحبه",
        "القطعه",
        "للقطعه",
        "الوحده",
        "للوحده",
        "بالوحده",
        "الکیلو",
        "للکیلو",
        "lwa7ed",
        "lwahed",
        "wa7da",
        "l7abba",
        "l7eba",
        "l7ba",
        "kol",
        "kul",
        "هر",
        "هرکدام",
        "هریک",
        "دانهای",
        "فی",
        "har",
        "danayi",
        "ነፍሲ",
        "ወከፍ",
        "ነፍሲወከፍ",
        "ንሓደ",
        "ንሓንቲ",
        "ነናይ",
        "nefsi",
        "wekef",
        "nhade",
    }
)
_EACH_AFTER_PRICE: Final = frozenset({"le", "la", "l"})
# "each" words after which "one" is part of "each one", not a number.
_EACH_ONE_BEFORE: Final = frozenset({"کل", "لکل", "بکل", "هر", "kol", "kul", "koll", "lkol", "har"})
_TOTAL: Final = frozenset(
    {
        "total",
        "tout",
        "totale",
        "المجموع",
        "مجموع",
        "الکل",
        "جمله",
        "مجموعا",
        "مجموعه",
        "ensemble",
        "جمعا",
        "بالمجموع",
        "فالمجموع",
        "کلشی",
        "کلهم",
        "درکل",
        "ብጠቕላላ",
        "ጠቕላላ",
        "ድምር",
        "ድምሩ",
        "ብድምር",
        "ኩሉ",
        "ኩሎም",
        "majmou3",
        "lmajmou3",
        "kolchi",
        "jamean",
        "bdmr",
        "bdmir",
    }
)
_MULTIPLY: Final = frozenset({"x", "×", "fois", "ضرب", "*"})
_TIME_AFTER: Final = frozenset(
    {
        "h",
        "heure",
        "heures",
        "min",
        "minutes",
        "ساعه",
        "ساعت",
        "ሰዓት",
        "%",
        "ans",
        "an",
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
        "jours",
        "semaines",
        "mois",
        "سال",
        "سنه",
        "روز",
        "یوم",
        "ایام",
        "ዓመት",
        "መዓልቲ",
    }
)
# Counters that sit between a quantity and the product: "12 دانه سمبوسه", "12 حبه".
_COUNTERS: Final = frozenset(
    {"de", "d", "des", "du", "x", "دانه", "تا", "عدد", "حبه", "حبات", "ta3", "dyal", "من", "ካብ"}
)
_TODAY: Final = frozenset(
    {
        "aujourdhui",
        "aujourd",
        "ajd",
        "auj",
        "ajourdhui",
        "aujourdui",
        "aujourd'hui",
        "today",
        "الیوم",
        "لیوم",
        "الیومه",
        "اللیله",
        "lyoum",
        "lyom",
        "elyoum",
        "lyouma",
        "امروز",
        "emroz",
        "imroz",
        "amroz",
        "ሎሚ",
        "soir",
        "matin",
    }
)
_YESTERDAY: Final = frozenset(
    {
        "hier",
        "yesterday",
        "امس",
        "البارح",
        "امبارح",
        "البارحه",
        "لبارح",
        "lbare7",
        "mbare7",
        "lbar7",
        "embare7",
        "ams",
        "دیروز",
        "diroz",
        "dirooz",
        "ትማሊ",
    }
)
_PRODUCTS: Final = frozenset(
    {
        "repas",
        "plat",
        "plats",
        "sandwich",
        "sandwichs",
        "gateau",
        "gateaux",
        "couscous",
        "tajine",
        "crepe",
        "crepes",
        "msemen",
        "samoussa",
        "samoussas",
        "sambusa",
        "bolani",
        "mantu",
        "injera",
        "robe",
        "robes",
        "sac",
        "sacs",
        "trousse",
        "trousses",
        "coussin",
        "coussins",
        "foulard",
        "foulards",
        "tablier",
        "tabliers",
        "boisson",
        "boissons",
        "the",
        "cafe",
        "jus",
        "vetements",
        "pochette",
        "pochettes",
        "وجبه",
        "وجبات",
        "اکله",
        "طبق",
        "اطباق",
        "صحن",
        "صحون",
        "کسکس",
        "حلویات",
        "کیک",
        "فطایر",
        "شنطه",
        "شنط",
        "فستان",
        "فساتین",
        "سندویش",
        "سندویتش",
        "ملوخیه",
        "غذا",
        "بولانی",
        "منتو",
        "اشک",
        "سمبوسه",
        "دامن",
        "لباس",
        "بکس",
        "کیف",
        "چای",
        "قابلی",
        "پلو",
        "ቦርሳ",
        "መግቢ",
        "እንጀራ",
        "ጸብሒ",
        "ሳምቡሳ",
        "ክዳን",
        "ቀሚሽ",
        "ሻሂ",
        "ቡን",
    }
)
_THOUSANDS_HEAD = re.compile(r"[1-9]\d{0,2}")
_THOUSANDS_GROUP = re.compile(r"\d{3}(?:\.\d{1,2})?")
# A total word names the money next to it, not one at the other end of the message
# ("مجموعة الطبخ" is the cooking group; "j'ai tout vendu" is no total).
_TOTAL_REACH: Final = 4
_NUMBER_TOKEN = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(\D*?)(\d{1,2})?$")
_PREFIXES: Final = frozenset({"", "ب", "b", "ብ", "x", "@", "a"})
_SUFFIXES: Final = _CURRENCY | {"", "x", "h", "%"}


@dataclass(slots=True)
class _Num:
    value: float
    digits: int = 0  # how many digits were typed (0 for number words)
    money: bool = False
    qty: bool = False
    each: bool = False
    after_for: bool = False  # money after a "for" preposition (ب, b, به, ብ)


_Token = str | _Num


def _split(tokens: list[str], lang: str) -> list[str]:
    """'8€' -> '8' '€'; 'ب8' -> 'ب' '8'; '45e50' -> '45.50'; '12x8' -> '12' 'x' '8'."""
    out: list[str] = []
    for tok in tokens:
        if len(tok) > 3 and tok[0] == "ب" and numbers.arabic_word_value(tok[1:], lang) is not None:
            out.extend(["ب", tok[1:]])  # "بخمسين": at fifty; Dari "بده" (give!) stays a verb
            continue
        if len(tok) > 2 and tok[0] == "ብ" and numbers.tigrinya_word_value(tok[1:]) is not None:
            out.extend(["ብ", tok[1:]])  # "ብዕስራ ዩሮ": for twenty euros
            continue
        if tok not in _CURRENCY and "€" in tok:
            parts = [p for p in re.split(r"(€)", tok) if p]
            if len(parts) > 1:
                out.extend(_split(parts, lang))
                continue
        if "x" in tok and re.fullmatch(r"\d+x\d+(?:\.\d+)?", tok):
            a, b = tok.split("x")
            out.extend([a, "x", b])
            continue
        m = _NUMBER_TOKEN.match(tok)
        if m and m.group(1) in _PREFIXES and m.group(3) in _SUFFIXES:
            pre, num, suf, dec = m.groups()
            if dec and suf not in _CURRENCY:
                out.append(tok)
                continue
            if pre:
                out.append(pre)
            out.append(f"{num}.{dec}" if dec else num)
            if suf:
                out.append("€" if suf in _CURRENCY else suf)
            continue
        out.append("€" if tok in _CURRENCY else tok)
    return out


def _join_thousands(tokens: list[str]) -> list[str]:
    """'1 200 €' -> '1200 €': a group of exactly three digits right after a number of one
    to three digits is its thousands ("12 repas à 8" has a word between; "3 200" does not)."""
    out: list[str] = []
    for tok in tokens:
        if (
            out
            and _THOUSANDS_GROUP.fullmatch(tok)
            and _THOUSANDS_HEAD.fullmatch(out[-1])
            and not (len(out) > 1 and _THOUSANDS_HEAD.fullmatch(out[-2]))
        ):
            out[-1] += tok
            continue
        out.append(tok)
    return out


def _numbers(tokens: list[str], lang: str) -> list[_Token]:
    """Digit strings and runs of number words become `_Num`; other tokens stay strings."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if re.fullmatch(r"\d+(?:\.\d+)?", tok):
            digits = len(tok.split(".")[0])
            out.append(_Num(float(tok), digits=digits))
            i += 1
            continue
        if i > 0 and tokens[i - 1] in _EACH_ONE_BEFORE and numbers.word_value(tok, lang) == 1:
            out.append(tok)  # "كل واحد", "هر یک", "kol wa7ed": each one, not a quantity
            i += 1
            continue
        values: list[float] = []
        j = i
        while j < len(tokens):
            v = numbers.word_value(tokens[j], lang)
            if v is not None:
                values.append(v)
                j += 1
            elif (
                values
                and numbers.is_joiner(tokens[j])
                and j + 1 < len(tokens)
                and (numbers.word_value(tokens[j + 1], lang) is not None)
            ):
                j += 1
            else:
                break
        if values:
            out.append(_Num(numbers.combine(values)))
            i = j
            continue
        cur_only = numbers.currency_only_value(tok)
        if cur_only is not None and i + 1 < len(tokens) and tokens[i + 1] == "€":
            out.append(_Num(cur_only))
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def _word(tok: _Token | None) -> str:
    return tok if isinstance(tok, str) else ""


def _mark(seq: list[_Token]) -> list[_Token]:
    """Decide for each number whether it is money, a quantity, or noise (dropped)."""
    kept: list[_Token] = []
    for i, tok in enumerate(seq):
        if not isinstance(tok, _Num):
            kept.append(tok)
            continue
        prev = _word(seq[i - 1]) if i > 0 else ""
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        nxt_word = _word(nxt)
        year = tok.digits == 4 and tok.value > 1900 and nxt_word != "€"
        if nxt_word in _TIME_AFTER or tok.digits >= 7 or year:
            continue
        if prev == "le" and nxt_word not in ("€",):
            continue  # a date: "le 12"
        if nxt_word == "€" or prev == "€" or prev in _UNIT_PREP:
            tok.money = True
            tok.each = prev in _EACH_PREP
            tok.after_for = prev in _FOR_PREP
            after = _word(seq[i + 2]) if nxt_word == "€" and i + 2 < len(seq) else nxt_word
            if after in _EACH or after in _EACH_AFTER_PRICE:
                tok.each = True
        elif not tok.value.is_integer() and nxt_word not in _CENTIMES:
            # Nobody sells 2.5 dresses: a decimal is money ("5 crepes 1,50 l'unite").
            tok.money = True
            tok.each = nxt_word in _EACH or nxt_word in _EACH_AFTER_PRICE
        elif (
            nxt_word
            and nxt_word not in _MULTIPLY
            and nxt_word not in _CENTIMES
            and (nxt_word in _COUNTERS or nxt_word in _PRODUCTS or nxt_word.isalpha())
        ):
            tok.qty = nxt_word not in _TOTAL and nxt_word not in _EACH
        kept.append(tok)
    return kept


def _merge_cents(seq: list[_Token]) -> list[_Token]:
    """'45 € 50' (centimes) -> 45.50."""
    out: list[_Token] = []
    i = 0
    while i < len(seq):
        tok = seq[i]
        if (
            isinstance(tok, _Num)
            and i + 2 < len(seq)
            and seq[i + 1] == "€"
            and isinstance(seq[i + 2], _Num)
        ):
            cents = seq[i + 2]
            assert isinstance(cents, _Num)
            after = _word(seq[i + 3]) if i + 3 < len(seq) else ""
            typed_cents = cents.digits == 2 or (cents.digits == 0 and cents.value < 100)
            if typed_cents and cents.value.is_integer() and (not after or after in _CENTIMES):
                merged = _Num(tok.value + cents.value / 100, tok.digits, money=True)
                merged.each, merged.after_for = tok.each, tok.after_for
                out.extend([merged, "€"])
                i += 4 if after else 3
                continue
        if isinstance(tok, _Num) and i + 1 < len(seq) and _word(seq[i + 1]) in _CENTIMES:
            # "20 euros et 50 centimes": the cents join the euros before them, if any.
            cents = _Num(tok.value / 100, money=True)
            euros = next((t for t in reversed(out) if isinstance(t, _Num)), None)
            if euros is not None and euros.money and tok.value < 100:
                euros.value += cents.value
            else:
                out.append(cents)
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


@dataclass(frozen=True, slots=True)
class Sale:
    amount: float | None
    quantity: int | None
    product: str | None
    explicit_money: bool  # a currency, price marker or multiplication was seen
    multiplied: bool = False  # quantity × unit price, stated in so many words
    alternative: float | None = None  # the other reading of an ambiguous amount


def _product(seq: list[_Token]) -> str | None:
    for i, tok in enumerate(seq):
        if isinstance(tok, _Num) and tok.qty:
            for nxt in seq[i + 1 : i + 3]:
                w = _word(nxt)
                if w and w not in _COUNTERS:
                    return w
    for tok in seq:
        if isinstance(tok, str) and tok in _PRODUCTS:
            return tok
    return None


# Above this, quantity × price is not a sale a member logs by message (a typo, a phone number).
_MAX_PRODUCT: Final = 2000
# "12 repas b 8 euro": a total under this per item is less likely than a unit price, so the
# unit reading comes first (both are still given).
_MIN_ITEM_PRICE: Final = 1.0


def sale(folded: str, lang: str = "und") -> Sale:
    """The sale described by a folded message (see `nlu.normalize.fold`)."""
    text = numbers.prepare_french(folded) if lang in ("fr", "und") else folded
    # Dari "in all" (not Arabic "each"), "per piece" typed with a space for the ZWNJ.
    text = text.replace("در کل", "درکل").replace("دانه ای", "دانهای")
    tokens = _join_thousands(_split(text.split(), lang))
    seq = _merge_cents(_mark(_numbers(tokens, lang)))
    words = {t for t in seq if isinstance(t, str)}
    each_anywhere = bool(words & _EACH)
    total_said = _total_said(seq)
    nums = [t for t in seq if isinstance(t, _Num)]
    if not nums:
        return Sale(None, None, _product(seq), False)

    product = _multiplication(seq)
    if product is not None:
        return product

    money = [n for n in nums if n.money]
    qtys = [n for n in nums if n.qty and not n.money]
    summed = _summands(seq)
    if len(summed) >= 2 and not total_said:
        # "15 + 20 + 12,5", "30€ + 15€": the sum, and any other price said.
        rest = [n for n in money if not any(n is m for m in summed)]
        amount = sum(n.value for n in summed) + sum(n.value for n in rest)
        return Sale(round(amount, 2), None, _product(seq), bool(money))
    if total_said and money:
        return Sale(money[-1].value, _int(qtys), _product(seq), True)
    if money:
        return _priced(nums, each_anywhere, _product(seq))
    # No currency: one bare number is the amount ("15 + 20": their sum); a quantity alone is not.
    bare = [n for n in nums if not n.qty]
    if bare:
        return Sale(bare[-1].value, _int(qtys), _product(seq), False)
    return Sale(None, _int(qtys), _product(seq), False)


def _priced(nums: list[_Num], each_anywhere: bool, product: str | None) -> Sale:
    """Quantities and prices in order: each price closes the quantities before it."""
    amount = 0.0
    other = 0.0  # the same sum, ambiguous prices read the other way
    ambiguous = False
    pending: list[_Num] = []  # quantities waiting for their price
    price_first: _Num | None = None  # "8€ le repas, 12 repas"
    quantity = 0
    for n in nums:
        if n.qty and not n.money:
            if price_first is not None and n.value * price_first.value <= _MAX_PRODUCT:
                extra = n.value * price_first.value - price_first.value
                amount, other = amount + extra, other + extra
                quantity += int(n.value)
                price_first = None
            else:
                pending.append(n)
            continue
        if not n.money:
            continue
        per_unit = n.each or each_anywhere
        one = pending[0].value if len(pending) == 1 else None
        times = one * n.value if one is not None else None
        # One quantity and a unit price multiply; "3 robes et 2 sacs à 70€" is a total.
        if times is not None and per_unit and times <= _MAX_PRODUCT:
            amount, other = amount + times, other + times
        elif times is not None and n.after_for and one is not None and one > 1:
            # "3 فساتين ب 60": for 60 (likelier), or 60 each when that stays plausible.
            if times > _MAX_PRODUCT:
                amount, other = amount + n.value, other + n.value
            elif n.value / one < _MIN_ITEM_PRICE:
                amount, other, ambiguous = amount + times, other + n.value, True
            else:
                amount, other, ambiguous = amount + n.value, other + times, True
        else:
            amount, other = amount + n.value, other + n.value
            if not pending and n.each:
                price_first = n
        quantity += int(sum(q.value for q in pending))
        pending = []
    quantity += int(sum(q.value for q in pending))
    return Sale(
        round(amount, 2),
        quantity or None,
        product,
        True,
        alternative=round(other, 2) if ambiguous and round(other, 2) != round(amount, 2) else None,
    )


def _summands(seq: list[_Token]) -> list[_Num]:
    """The numbers on either side of a "+" ("15 + 20 + 12.5"), in order, each once."""
    out: list[_Num] = []
    for i, tok in enumerate(seq):
        if tok != "+":
            continue
        for side in (seq[i - 1] if i > 0 else None, seq[i + 1] if i + 1 < len(seq) else None):
            if isinstance(side, _Num) and not any(side is n for n in out):
                out.append(side)
    return out


def _total_said(seq: list[_Token]) -> bool:
    for i, tok in enumerate(seq):
        if isinstance(tok, str) and tok in _TOTAL:
            near = seq[max(0, i - _TOTAL_REACH) : i + _TOTAL_REACH + 1]
            if any(isinstance(t, _Num) and t.money for t in near):
                return True
    return False


def _multiplication(seq: list[_Token]) -> Sale | None:
    """'12 x 8', '12x8€', '10 samoussas x 2,5', '5€ x 3': a quantity times a unit price;
    several ('2 x 15 + 3 x 10') add up.

    Between the left number and the "x" may stand the product, a counter or the
    currency ("10 ሳምቡሳ x 2.5", "10 samoussas x 2,5"), at most two words.
    """
    amount, quantity, found = 0.0, 0, False
    for i, tok in enumerate(seq):
        if not (isinstance(tok, str) and tok in _MULTIPLY and 0 < i < len(seq) - 1):
            continue
        b = seq[i + 1]
        if not isinstance(b, _Num):
            continue
        a: _Num | None = None
        for j in range(i - 1, max(-1, i - 4), -1):
            left = seq[j]
            if isinstance(left, _Num):
                a = left
                break
            if not (left == "€" or left in _PRODUCTS or left in _COUNTERS or left.isalpha()):
                break
            if left in _MULTIPLY or left in _TOTAL:
                break
        if a is None:
            continue
        amount += a.value * b.value
        quantity += int(_quantity_of(a, b).value)
        found = True
    if not found:
        return None
    return Sale(round(amount, 2), quantity, _product(seq), True, multiplied=True)


def _quantity_of(a: _Num, b: _Num) -> _Num:
    """Which side of a multiplication counts items: not the money, not a decimal."""
    if a.money != b.money:
        return b if a.money else a
    if a.qty != b.qty:
        return a if a.qty else b
    if a.value.is_integer() != b.value.is_integer():
        return a if a.value.is_integer() else b
    return a


def _int(qtys: list[_Num]) -> int | None:
    return int(sum(q.value for q in qtys)) if qtys else None


def day(folded: str) -> str | None:
    tokens = set(folded.split())
    if tokens & _YESTERDAY:
        return "yesterday"
    if tokens & _TODAY or "el yom" in folded or "el youm" in folded:
        return "today"
    return None


def extract(folded: str, lang: str, *, sale_context: bool) -> tuple[Entity, ...]:
    """Entities of a message.

    The sale is read the same way whatever the intent. The amount is given in a sale
    context, or when the message states money (currency, unit price, quantity × price);
    quantity and product in a sale context, or with a stated quantity × price, so that
    whoever confirms "10 × 2,50 € = 25 €" has both factors.
    """
    s = sale(folded, lang)
    found: list[Entity] = []
    bare_number = bool(re.fullmatch(r"\d+(?:\.\d+)?(?: \+ \d+(?:\.\d+)?)*( €)?", folded))
    if s.amount is not None and (sale_context or s.explicit_money or bare_number):
        found.append(Entity("amount", s.amount))
        if s.alternative is not None:
            found.append(Entity("amount_alternative", s.alternative))
    if s.quantity is not None and (sale_context or s.multiplied):
        found.append(Entity("quantity", s.quantity))
    if s.product is not None and (sale_context or s.multiplied):
        found.append(Entity("product", s.product))
    d = day(folded)
    if d is not None:
        found.append(Entity("day", d))
    return tuple(found)
