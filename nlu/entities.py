"""Sale entities from folded text (`nlu.normalize.sale_text`): amount (total in euros),
quantity, product and day.

Rules, not a model: "12 repas à 8€" is 12 × 8 because of the unit-price marker "à";
"12 repas 96€" is 96; "30€ + 15€" is 45; "3 robes à 20€ et 2 sacs à 15€" is 90. Number
words and Ge'ez numerals become numbers first. Where the words leave it open whether a
price is per item or for all ("بعت 3 فساتين ب 60 يورو": "for 60" or "at 60 each"), the
sale carries both readings: `amount` the likelier, `alternative` the other.

The steps: tokens (`_split`, `_join_thousands`), numbers (`_numbers`: words, Ge'ez, digits;
`_merge_parts`: cents and halves join the euros before them), what each number is (`_mark`:
money, a quantity, a stated total, or noise; `_context`: what the numbers around it tell),
then the amount: a stated total, else a multiplication, else a sum, else quantities and
their prices in order (`_priced`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from nlu import numbers
from nlu.sale_words import (
    AFTER_ORDINAL,
    BEFORE_ORDINAL,
    CENTIMES,
    COUNTERS,
    CURRENCY,
    EACH,
    EACH_AFTER_PRICE,
    EACH_ONE_BEFORE,
    EACH_PREP,
    EARLIER,
    EARLIER_DAY,
    FOR_PREP,
    MEASURES,
    MULTIPLY,
    NOT_A_UNIT,
    NOT_EACH,
    NOT_SOLD,
    ONE_EACH,
    PAID,
    PAYMENT,
    PAYMENT_PHRASE,
    PRODUCTS,
    SEPARATORS,
    SOLD,
    TIME_AFTER,
    TODAY,
    TOTAL,
    TOTAL_BY_LANG,
    UNIT_PREP,
    YESTERDAY,
)
from nlu.types import Entity

_THOUSANDS_HEAD = re.compile(r"[1-9]\d{0,2}")
_THOUSANDS_GROUP = re.compile(r"\d{3}(?:\.\d{1,2})?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_TOKEN = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(\D*?)(\d{1,2})?$")
_ORDINAL = re.compile(r"\d{1,2}(?:e|eme|er|ere)")
_PREFIXES: Final = frozenset({"", "ب", "b", "ብ", "x", "@", "a"})
_SUFFIXES: Final = CURRENCY | {"", "x", "h", "%"}
# A total word names the money next to it, not one at the other end of the message
# ("مجموعة الطبخ" is the cooking group); a bare number only right beside it ("40 en tout").
_TOTAL_REACH: Final = 4
_TOTAL_BARE_REACH: Final = 2
# Above this, quantity × price is not a sale a member logs by message (a typo, a phone number).
_MAX_PRODUCT: Final = 2000
# "12 repas b 8 euro": a total under this per item is less likely than a unit price, so the
# unit reading comes first (both are still given). With a currency and no marker ("11 jus
# 2€"), the total comes first unless it prices an item under 1 €.
_MIN_ITEM_PRICE: Final = 2.0
_MIN_ITEM_PRICE_CURRENCY: Final = 1.0
# Words that may stand after "45 € 50" when the 50 is cents ("2 euros 50 le thé").
_AFTER_CENTS: Final = (
    EACH | EACH_AFTER_PRICE | TOTAL | CENTIMES | TODAY | {",", "+", "=", "en", "pour", "au"}
)


@dataclass(slots=True)
class _Num:
    value: float
    digits: int = 0  # how many digits were typed (0 for number words)
    half: bool = False  # a word for one half ("ونص", "نیم")
    money: bool = False
    qty: bool = False
    each: bool = False  # a price of one item, said by a word ("chacun", "هر کدام")
    each_prep: bool = False  # ... or by a preposition ("à", "@")
    after_for: bool = False  # money after a "for" preposition (ب, b, به, ብ)
    total: bool = False  # the sale's total, said so ("en tout", "المجموع", "= 42")
    bare: bool = False  # a number after a quantity and its product, no currency: a price
    count_after_each: bool = False  # followed by an "each" word: `_context` decides


_Token = str | _Num


def _each_words(lang: str) -> frozenset[str]:
    return EACH - NOT_EACH.get(lang, frozenset())


def _total_words(lang: str) -> frozenset[str]:
    return TOTAL | TOTAL_BY_LANG.get(lang, frozenset())


def _phrases(text: str, lang: str) -> str:
    """Several words that are one marker: "en tout", "l'un", "در کل", "دانه ای", a day
    before yesterday ("قبل يومين": `EARLIER_DAY`, no number of the sale's)."""
    text = PAYMENT_PHRASE.sub(PAID, EARLIER.sub(EARLIER_DAY, text))
    if lang in ("fr", "und"):
        text = numbers.prepare_french(text)
        text = re.sub(r"\ben (?:tout|tt|total)\b", "entout", text)
        text = re.sub(r"\bl (un|une|unite)\b", r"l\1", text)
        # "35 les deux", "60 € pour les 3": the price of them all.
        text = re.sub(
            r"(\d(?: €)?) (?:pour )?les (?:deux|trois|quatre|cinq|six|\d+)\b", r"\1 entout", text
        )
    # Dari "in all" (not Arabic "each"), "per piece" typed with a space for the ZWNJ.
    return text.replace("در کل", "درکل").replace("دانه ای", "دانهای")


def _split(tokens: list[str], lang: str) -> list[str]:
    """'8€' -> '8' '€'; 'ب8' -> 'ب' '8'; '45e50' -> '45.50'; '12x8' -> '12' 'x' '8';
    '19e' after "du" is an ordinal, not 19 €."""
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if _ORDINAL.fullmatch(tok) and (
            (i > 0 and tokens[i - 1] in BEFORE_ORDINAL)
            or (i + 1 < len(tokens) and tokens[i + 1] in AFTER_ORDINAL)
        ):
            out.append("<ordinal>")
            continue
        if len(tok) > 3 and tok[0] == "ب" and numbers.arabic_word_value(tok[1:], lang) is not None:
            out.extend(["ب", tok[1:]])  # "بخمسين": at fifty; Dari "بده" (give!) stays a verb
            continue
        if len(tok) > 3 and tok[0] == "ب" and tok[1:] in CURRENCY:
            out.extend(["ب", "€"])  # "بيورو": for a euro
            continue
        if len(tok) > 2 and tok[0] == "ብ" and numbers.tigrinya_word_value(tok[1:]) is not None:
            out.extend(["ብ", tok[1:]])  # "ብዕስራ ዩሮ": for twenty euros
            continue
        if tok not in CURRENCY and "€" in tok:
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
            if dec and suf not in CURRENCY:
                out.append(tok)
                continue
            if pre:
                out.append(pre)
            out.append(f"{num}.{dec}" if dec else num)
            if suf:
                out.append("€" if suf in CURRENCY else suf)
            continue
        out.append("€" if tok in CURRENCY else tok)
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
        if _NUMBER.fullmatch(tok):
            num = _Num(float(tok), digits=len(tok.split(".")[0]))
            if lang == "ti" and i + 1 < len(tokens) and tokens[i + 1] == tok:
                num.each, i = True, i + 1  # "ብ 20 20": twenty each
            out.append(num)
            i += 1
            continue
        if i > 0 and tokens[i - 1] in EACH_ONE_BEFORE and numbers.word_value(tok, lang) == 1:
            out.append(tok)  # "كل واحد", "هر یک", "kol wa7ed": each one, not a quantity
            i += 1
            continue
        if (
            tok in ONE_EACH
            and any(isinstance(t, _Num) for t in out)
            and any(t in FOR_PREP for t in tokens[i + 1 : i + 3])
        ):
            out.append("ንሓደ")  # "3 ቦርሳ ሓደ ብ15": one for 15, i.e. 15 each
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
            if lang == "ti" and values == [1, 1]:
                out.append("ንሓደ")  # "ሓደ ሓደ": one by one, i.e. each
            elif lang == "ti" and len(values) == 2 and values[0] == values[1] > 1:
                out.append(_Num(values[0], each=True))  # "ብዓሰርተ ዓሰርተ": ten each
            else:
                out.append(_Num(numbers.combine(values), half=values == [0.5]))
            i = j
            continue
        number_before = len(out) > 1 and isinstance(out[-2], _Num)
        if tok == "€" and out[-1:] in (["ب"], ["b"]) and not number_before:
            out.extend([_Num(1.0), "€"])  # "ب يورو", "بيورو ونص": for one euro (and a half)
            i += 1
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


def _merge_parts(seq: list[_Token]) -> list[_Token]:
    """'45 € 50' -> 45.50 €; '5 € ونص' -> 5.5 €; '20 euros et 50 centimes' -> 20.50 €;
    '50 سنت' alone -> 0.50 €."""
    out: list[_Token] = []
    i = 0
    while i < len(seq):
        tok = seq[i]
        part = seq[i + 2] if i + 2 < len(seq) else None
        if isinstance(tok, _Num) and seq[i + 1 : i + 2] == ["€"] and isinstance(part, _Num):
            after = _word(seq[i + 3]) if i + 3 < len(seq) else ""
            typed_cents = part.digits == 2 or (part.digits == 0 and 1 <= part.value < 100)
            if part.half:
                tok.value += 0.5
                out.extend([tok, "€"])
                i += 3
                continue
            if (
                typed_cents
                and part.value.is_integer()
                and (i + 3 >= len(seq) or after in _AFTER_CENTS)
            ):
                tok.value += part.value / 100
                out.extend([tok, "€"])
                i += 4 if after in CENTIMES else 3
                continue
        if isinstance(tok, _Num) and i + 1 < len(seq) and _word(seq[i + 1]) in CENTIMES:
            # "20 euros et 50 centimes": the cents join the euros before them, if any.
            euros = _euros_before(out)
            if euros is not None and tok.value < 100:
                euros.value += tok.value / 100
            else:
                out.extend([_Num(tok.value / 100), "€"])
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def _euros_before(out: list[_Token]) -> _Num | None:
    """The number of "N €" within the last four tokens, the cents of which follow."""
    for j in range(len(out) - 1, max(-1, len(out) - 5), -1):
        if isinstance(out[j], _Num):
            num = out[j]
            assert isinstance(num, _Num)
            return num if j + 1 < len(out) and out[j + 1] == "€" else None
    return None


def _mark(seq: list[_Token], lang: str) -> list[_Token]:
    """Decide for each number what it says by its neighbours: money, a quantity, or noise
    (dropped)."""
    each_words, totals = _each_words(lang), _total_words(lang)
    kept: list[_Token] = []
    for i, tok in enumerate(seq):
        if not isinstance(tok, _Num):
            kept.append(tok)
            continue
        prev = _word(seq[i - 1]) if i > 0 else ""
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        nxt_word = _word(nxt)
        year = tok.digits == 4 and tok.value > 1900 and nxt_word != "€"
        if nxt_word in TIME_AFTER or tok.digits >= 7 or year:
            continue
        if prev == "le" and nxt_word != "€":
            continue  # a date: "le 12"
        each_before = _each_before(seq, i, each_words)
        after_next = _word(seq[i + 2]) if i + 2 < len(seq) else ""
        counts = (
            bool(nxt_word)
            and nxt_word not in MULTIPLY
            and nxt_word not in CENTIMES
            and nxt_word not in TODAY
            and nxt_word not in YESTERDAY
            and nxt_word != EARLIER_DAY
            and nxt_word != PAID
            and nxt_word not in totals
            and after_next not in totals  # "130 au total"
            and nxt_word not in SEPARATORS
            and (nxt_word in COUNTERS or nxt_word in PRODUCTS or _is_word(nxt_word))
        )
        if nxt_word == "€" or (prev == "€" and not counts) or prev in UNIT_PREP or each_before:
            tok.money = True
            tok.each_prep = prev in EACH_PREP
            tok.after_for = prev in FOR_PREP and not each_before
            tok.each = tok.each or each_before or _each_after(seq, i, each_words)
        elif not tok.value.is_integer() and nxt_word not in CENTIMES:
            # Nobody sells 2.5 dresses: a decimal is money ("5 crepes 1,50 l'unite").
            tok.money = True
            tok.each = tok.each or _each_after(seq, i, each_words)
        elif tok.each:
            tok.money = True  # "ብ 20 20", "ብዓሰርተ ዓሰርተ": so much each
        elif nxt_word in each_words:
            tok.count_after_each = True  # a quantity or a price: `_context` decides
        elif counts:
            tok.qty = True
        kept.append(tok)
    return kept


def _is_word(tok: str) -> bool:
    """A word, Arabizi digits included ("ka3kat"), not a number or a sign."""
    return any(c.isalpha() for c in tok) and not _NUMBER.fullmatch(tok)


def _each_before(seq: list[_Token], i: int, each_words: frozenset[str]) -> bool:
    """An "each" word just before the number, past a price preposition and at most one
    other word: "هر کدام ۱۵", "فی پلیت ۱۰", "كل وحدة ب 8", "كيلو الحلويات ب 15"."""
    j, words_seen = i - 1, 0
    while j >= 0 and words_seen <= 1:
        tok = seq[j]
        if not isinstance(tok, str) or tok in SEPARATORS or tok == "€":
            return False
        if tok in each_words or (tok in MEASURES and not (j > 0 and isinstance(seq[j - 1], _Num))):
            return not (tok == "par" and j + 1 < len(seq) and _word(seq[j + 1]) in PAYMENT)
        if tok not in UNIT_PREP:
            words_seen += 1
        j -= 1
    return False


def _each_after(seq: list[_Token], i: int, each_words: frozenset[str]) -> bool:
    """An "each" word right after the price or its currency: "8 € pièce", "2 euros le thé",
    "ب 10 للصحن", but not "20 € le matin" or "20 par carte"."""
    j = i + 1
    if j < len(seq) and seq[j] == "€":
        j += 1
    after = _word(seq[j]) if j < len(seq) else ""
    then = _word(seq[j + 1]) if j + 1 < len(seq) else ""
    if after == "par":
        return then not in PAYMENT
    if after in EACH_AFTER_PRICE:
        return then not in NOT_A_UNIT
    return after in each_words or (after.startswith("لل") and len(after) > 3)


def _context(seq: list[_Token], lang: str) -> None:
    """What the numbers around a number tell of it (in place):
    - a number after a quantity and its product is a price ("3 sacs 20", "1 couscous 12");
    - a number after a price of one that had no quantity yet is the quantity ("3€ chaque,
      j'en ai vendu 14");
    - a number after money and a separator is money too ("64 € en liquide et 20 par carte");
    - a number before an "each" word is a quantity when a price follows ("ሳምቡሳ 12 ሓደ ብ1"),
      else the price of one ("2 jus 3 chacun");
    - a number beside a total word, or after "=", is the total ("40 en tout", "= 42")."""
    totals = _total_words(lang)
    nums = [(i, t) for i, t in enumerate(seq) if isinstance(t, _Num)]
    for k, (i, n) in enumerate(nums):
        if n.count_after_each:
            later = nums[k + 1] if k + 1 < len(nums) else None
            if later is not None and later[0] - i <= 4 and later[1].money:
                n.qty = True
            else:
                n.money = n.each = True
            continue
        if n.money or n.qty:
            continue
        before = nums[k - 1] if k > 0 else None
        if before is None:
            continue
        j, p = before
        between = [t for t in seq[j + 1 : i] if isinstance(t, str)]
        if p.qty and between and not any(t in SEPARATORS and t != "," for t in between):
            n.money = n.bare = True
        elif p.money and p.each and not any(q.qty for _, q in nums[:k]) and n.value.is_integer():
            n.qty = True
        elif p.money and any(t in SEPARATORS for t in between):
            n.money = True
    _mark_totals(seq, totals)


def _mark_totals(seq: list[_Token], totals: frozenset[str]) -> None:
    for i, tok in enumerate(seq):
        if not (isinstance(tok, str) and (tok in totals or tok == "=")):
            continue
        # After the word first ("total 105", "= 42"), then before it ("60 € en tout").
        after = [
            t
            for t in seq[i + 1 : i + 1 + _TOTAL_REACH]
            if isinstance(t, _Num) and not (t.qty and not t.money)
        ]
        before = [
            t
            for t in reversed(seq[max(0, i - _TOTAL_REACH) : i])
            if isinstance(t, _Num) and not (t.qty and not t.money)
        ]
        near = [
            t
            for t in (after[:1] + before[:1])
            if t.money or _distance(seq, t, i) <= _TOTAL_BARE_REACH
        ]
        if near:
            near[0].money = near[0].total = True


def _distance(seq: list[_Token], num: _Num, i: int) -> int:
    return abs(next(j for j, t in enumerate(seq) if t is num) - i)


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
                if w and w not in COUNTERS and w not in SEPARATORS and w != PAID:
                    return w
    for tok in seq:
        if isinstance(tok, str) and tok in PRODUCTS:
            return tok
    return None


def sale(text: str, lang: str = "und") -> Sale:
    """The sale described by a message as `nlu.normalize.sale_text` (or `fold`) writes it."""
    tokens = _join_thousands(_split(_phrases(text, lang).split(), lang))
    seq = _mark(_merge_parts(_numbers(tokens, lang)), lang)
    _context(seq, lang)
    nums = [t for t in seq if isinstance(t, _Num)]
    if not nums:
        return Sale(None, None, _product(seq), False)
    # A payment said ("16 par chèque") makes the number beside it money.
    explicit = any(n.money and not n.bare for n in nums) or PAID in seq
    qtys = [n for n in nums if n.qty and not n.money]

    totals = [n for n in nums if n.total]
    if totals:
        return Sale(totals[-1].value, _int(qtys), _product(seq), True)
    product = _multiplication(seq)
    if product is not None:
        return product
    summed = _summands(seq)
    if len(summed) >= 2 and not qtys:
        # "15 + 20 + 12,5", "30€ + 15€": the sum, and any other price said.
        rest = [n for n in nums if n.money and not any(n is m for m in summed)]
        amount = sum(n.value for n in summed) + sum(n.value for n in rest)
        return Sale(round(amount, 2), None, _product(seq), explicit)
    if any(n.money for n in nums):
        each_anywhere = bool({t for t in seq if isinstance(t, str)} & _each_words(lang))
        return _priced(seq, nums, each_anywhere, _product(seq), explicit)
    # No money: one bare number is the amount ("aujourd'hui 45"); a quantity alone is not.
    bare = [n for n in nums if not n.qty]
    if bare:
        return Sale(bare[-1].value, _int(qtys), _product(seq), False)
    return Sale(None, _int(qtys), _product(seq), False)


@dataclass(slots=True)
class _Item:
    """One price and the quantities it closes: its readings as a total and per unit."""

    as_total: float
    per_unit: float
    unit_first: bool
    doubtful: bool  # both readings are worth offering
    clear_unit: bool = False  # the total would price an item implausibly low


def _priced(
    seq: list[_Token], nums: list[_Num], each_anywhere: bool, product: str | None, explicit: bool
) -> Sale:
    """Quantities and prices in order: each price closes the quantities before it."""
    items: list[_Item] = []
    pending: list[_Num] = []  # quantities waiting for their price
    price_first: int | None = None  # the item of "8€ le repas", before "12 repas"
    quantity = 0
    single_price = sum(n.money for n in nums) == 1
    for n in nums:
        if n.qty and not n.money:
            first = items[price_first].as_total if price_first is not None else 0.0
            if price_first is not None and n.value * first <= _MAX_PRODUCT:
                items[price_first] = _fixed(n.value * first)
                quantity += int(n.value)
                price_first = None
            else:
                pending.append(n)
            continue
        if not n.money:
            continue
        items.append(_item(seq, n, pending, each_anywhere and single_price))
        price_first = len(items) - 1 if not pending and (n.each or n.each_prep) else None
        quantity += int(sum(q.value for q in pending))
        pending = []
    quantity += int(sum(q.value for q in pending))
    # One price clearly per unit ("3 شاي ب 2") tells how the doubtful ones of the list read.
    if any(it.clear_unit for it in items):
        for it in items:
            if it.doubtful:
                it.unit_first = True
    amount = sum(it.per_unit if it.unit_first else it.as_total for it in items)
    doubtful = [it for it in items if it.doubtful and not it.clear_unit] or [
        it for it in items if it.doubtful
    ]
    other = sum(
        (it.as_total if it.unit_first else it.per_unit)
        if any(it is d for d in doubtful)
        else (it.per_unit if it.unit_first else it.as_total)
        for it in items
    )
    alternative = round(other, 2) if doubtful and round(other, 2) != round(amount, 2) else None
    return Sale(round(amount, 2), quantity or None, product, explicit, alternative=alternative)


def _fixed(value: float) -> _Item:
    return _Item(value, value, False, False)


def _item(seq: list[_Token], price: _Num, pending: list[_Num], each_anywhere: bool) -> _Item:
    p = price.value
    if not pending:
        return _fixed(p)
    if price.each or each_anywhere:
        # "4 قهوة و 4 شاي بالواحد 2": every quantity before an "each" price.
        return _fixed(_capped(sum(q.value for q in pending), p))
    if price.each_prep:
        # "3 coussins, 1 à 20": the quantity right before "à" (or the only one) is priced;
        # "3 robes et 2 sacs à 70€" is a total.
        nearest = pending[-1]
        if len(pending) == 1 or _adjacent(seq, nearest, price):
            return _fixed(_capped(nearest.value, p))
        return _fixed(p)
    if len(pending) > 1 or pending[0].value <= 1:
        return _fixed(p)
    q = pending[0].value
    if q * p > _MAX_PRODUCT:
        return _fixed(p)
    if price.after_for or price.bare:
        low = p / q < _MIN_ITEM_PRICE
        return _Item(p, q * p, unit_first=low, doubtful=True, clear_unit=low)
    if p / q < _MIN_ITEM_PRICE_CURRENCY:
        return _Item(p, q * p, unit_first=True, doubtful=True, clear_unit=True)
    return _fixed(p)


def _capped(quantity: float, price: float) -> float:
    return quantity * price if quantity * price <= _MAX_PRODUCT else price


def _adjacent(seq: list[_Token], qty: _Num, price: _Num) -> bool:
    """Only a price preposition stands between the quantity and the price ("1 a 20")."""
    a = next(i for i, t in enumerate(seq) if t is qty)
    b = next(i for i, t in enumerate(seq) if t is price)
    return all(isinstance(t, str) and t in UNIT_PREP for t in seq[a + 1 : b])


def _summands(seq: list[_Token]) -> list[_Num]:
    """The numbers on either side of a "+" ("15 + 20 + 12.5"), in order, each once."""
    out: list[_Num] = []
    for i, tok in enumerate(seq):
        if tok != "+":
            continue
        for side in (seq[i - 1] if i > 0 else None, seq[i + 1] if i + 1 < len(seq) else None):
            if side == "€" and i > 1:
                side = seq[i - 2]
            if isinstance(side, _Num) and not any(side is n for n in out):
                out.append(side)
    return out


def _multiplication(seq: list[_Token]) -> Sale | None:
    """'12 x 8', '12x8€', '10 samoussas x 2,5', '5€ x 3': a quantity times a unit price;
    several ('2 x 15 + 3 x 10') add up.

    Between the left number and the "x" may stand the product, a counter or the
    currency ("10 ሳምቡሳ x 2.5", "10 samoussas x 2,5"), at most two words.
    """
    amount, quantity, found = 0.0, 0, False
    for i, tok in enumerate(seq):
        if not (isinstance(tok, str) and tok in MULTIPLY and 0 < i < len(seq) - 1):
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
            if not (left == "€" or left in PRODUCTS or left in COUNTERS or left.isalpha()):
                break
            if left in MULTIPLY or left in TOTAL:
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


def not_sold(text: str) -> bool:
    """Money borrowed, owed, spent, rent, or a price asked about, and no sale said: "j'ai
    emprunté 200 euros", "الكرا 600 اورو", "این بکس چند است؟ ۲۰ یورو؟"."""
    words = set(text.split())
    return bool(words & NOT_SOLD) and not words & SOLD


def day(folded: str) -> str | None:
    """The sale's day, "today" or "yesterday"; none for a day before ("avant-hier", "قبل
    يومين"), which is neither (the sales flow reads such words itself)."""
    if EARLIER.search(folded):
        return None
    tokens = set(folded.split())
    if tokens & YESTERDAY:
        return "yesterday"
    if tokens & TODAY or "el yom" in folded or "el youm" in folded:
        return "today"
    return None


def extract(text: str, lang: str, *, sale_context: bool) -> tuple[Entity, ...]:
    """Entities of a message (as `nlu.normalize.sale_text` writes it).

    The sale is read the same way whatever the intent. The amount is given in a sale
    context, or when the message states money (currency, unit price, quantity × price),
    never when the money is borrowed, spent or asked about (`not_sold`); quantity and
    product in a sale context, or with a stated quantity × price, so that whoever
    confirms "10 × 2,50 € = 25 €" has both factors.
    """
    s = sale(text, lang)
    found: list[Entity] = []
    bare_number = bool(re.fullmatch(r"\d+(?:\.\d+)?(?: \+ \d+(?:\.\d+)?)*( €)?", text))
    if (
        s.amount is not None
        and (sale_context or s.explicit_money or bare_number)
        and not not_sold(text)
    ):
        found.append(Entity("amount", s.amount))
        if s.alternative is not None:
            found.append(Entity("amount_alternative", s.alternative))
    if s.quantity is not None and (sale_context or s.multiplied):
        found.append(Entity("quantity", s.quantity))
    if s.product is not None and (sale_context or s.multiplied):
        found.append(Entity("product", s.product))
    d = day(text)
    if d is not None:
        found.append(Entity("day", d))
    return tuple(found)
