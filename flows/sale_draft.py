"""A sale as a member tells it, in one message or one answer at a time: what is known, what
to ask next, and when the amount reads two ways. Pure: the coop's products and limit come
from the lookup (flows/lookup.py), amounts in integer cents from the host
(engine.Input.cents); a quantity is read here (digits of every script, number words).

The draft lives in the session's variables (`sale_*`), so that a question answered later
goes on where the previous message stopped. Nothing is written until the member confirms
it explicitly (flows/definitions/sales.yaml); the ledger checks everything again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Final

from content.products import product_words
from flows.lookup import CoopInfo, ProductInfo, SaleInfo
from flows.yes_no import fold
from nlu import entities, normalize, numbers
from nlu.sale_words import COUNTERS, EARLIER, PRODUCTS
from nlu.types import LANGS, ParseResult

TODAY, YESTERDAY = "today", "yesterday"
PAYMENTS: Final = ("cash", "card", "transfer")
MAX_QUANTITY: Final = 10_000
# A total within [expected / NEAR, expected × NEAR] of the usual price is taken as said;
# further away, the other reading (each / in total) is offered when it comes near.
NEAR: Final = 2
MAX_PRODUCT_NAME: Final = 40

# What to ask next (var sale_next): the question, or why the amount is asked again.
STEPS: Final = (
    "product",
    "quantity",
    "amount",
    "which",
    "not_positive",
    "too_high",
    "earlier",
    "before_start",  # a day before the coop's first business day
    "one_at_a_time",  # several products in one message
    "confirm",  # a new sale, complete
    "confirm_fix",  # a correction, complete
    "confirm_undo",  # the sale to undo
)
MODES: Final = ("sale", "undo", "correction")

# Folded words that name a payment method or a day before yesterday, in our languages.
_PAYMENT_WORDS: Final = {
    "card": (
        "carte",
        "cb",
        "carte bleue",
        "card",
        "بطاقه",
        "بالبطاقه",
        "كارت",
        "بالكارت",
        "كارطه",
        "ካርድ",
        "ብካርድ",
    ),
    "transfer": (
        "virement",
        "transfer",
        "تحويل",
        "بالتحويل",
        "حواله",
        "انتقال",
        "انتقال بانكي",
        "ትራንስፈር",
        "ብባንኪ",
    ),
    "cash": (
        "especes",
        "espece",
        "cash",
        "liquide",
        "نقدا",
        "كاش",
        "نقد",
        "نقده",
        "ብጥረ ገንዘብ",
        "ካሽ",
        "ብካሽ",
    ),
}
_EARLIER: Final = tuple(
    fold(w)
    for w in (
        "avant-hier",
        "avant hier",
        "la semaine dernière",
        "أول أمس",
        "اول امس",
        "قبل امس",
        "أول امبارح",
        "پریروز",
        "هفته گذشته",
        "ቅድሚ ትማሊ",
        "ቅድሚ ሎሚ ትማሊ",
    )
)
# Typed at a question of a sale being told: drop the draft (cancel), or go to the menu.
CANCEL_WORDS: Final = frozenset(
    fold(w)
    for w in (
        "annuler",
        "annule",
        "annulez",
        "anuler",
        "annulé",
        "cancel",
        "إلغاء",
        "الغاء",
        "ألغي",
        "الغي",
        "لغو",
        "لغو کن",
        "ሰርዝ",
        "ሰርዞ",
    )
)
MENU_WORDS: Final = frozenset(
    fold(w) for w in ("menu", "القائمة", "قائمة", "مینو", "منو", "ዝርዝር", "ሜኑ")
)
# Latin letters around a digit make it a letter of a word, not a number: Arabizi writes
# ع ح ق ء خ as 3 7 9 2 5 ("bi3t", "ma3rftch", "7aja").
_LATIN_DIGITS = re.compile(r"(?<![a-z])\d+(?:[.,]\d+)?(?![a-z])")
_GLUED = re.compile(r"(\d+)([^\W\d_]{2,})")  # "3repas": a count glued to a product
# A name within this likeness of a listed one is that product ("rpas", "boissons").
_TYPO: Final = 0.8
_NEGATIVE = re.compile(r"^\s*[-−–]\s*[\d٠-٩۰-۹]")
# Words the NLU may take for a product that name none: "je veux noter une vente".
_NOT_PRODUCTS: Final = frozenset(
    fold(w)
    for w in (
        "vente",
        "ventes",
        "vendu",
        "chose",
        "choses",
        "truc",
        "trucs",
        "sale",
        "sales",
        "euro",
        "euros",
        "بيع",
        "بيعة",
        "مبيعات",
        "شي",
        "شيء",
        "حاجة",
        "فروش",
        "فروشات",
        "چیز",
        "መሸጣ",
        "መሸጣታት",
        "ነገር",
    )
)


@dataclass(frozen=True, slots=True)
class Draft:
    product: str = ""  # the listed name, or as the member wrote it
    product_id: int | None = None
    quantity: int | None = None
    cents: int | None = None  # the total, VAT included
    alternative: int | None = None  # the NLU's other reading of the amount
    settled: bool = False  # the member chose between two readings
    day: str = TODAY
    payment: str = "cash"
    earlier: bool = False  # the message named a day before yesterday
    corrects: int | None = None  # the sale this draft undoes or corrects
    mode: str = "sale"  # sale | undo | correction
    # What this message said that is not kept: a product the coop does not list, several
    # products at once (never merged into one row).
    unknown: bool = False
    several: bool = False

    @classmethod
    def of(cls, vars_: Mapping[str, str]) -> Draft:
        day = vars_.get("sale_day", TODAY)
        payment = vars_.get("sale_pay", "cash")
        return cls(
            product=vars_.get("sale_product", ""),
            product_id=_int(vars_.get("sale_product_id")),
            quantity=_int(vars_.get("sale_qty")),
            cents=_int(vars_.get("sale_cents")),
            alternative=_int(vars_.get("sale_alt")),
            settled=vars_.get("sale_settled") == "yes",
            day=day if day in (TODAY, YESTERDAY) else TODAY,
            payment=payment if payment in PAYMENTS else "cash",
            earlier=vars_.get("sale_earlier") == "yes",
            corrects=_int(vars_.get("sale_corrects")),
            mode=mode if (mode := vars_.get("sale_mode", "sale")) in MODES else "sale",
        )

    def to_vars(self) -> dict[str, str]:
        def text(value: int | None) -> str:
            return "" if value is None else str(value)

        return {
            "sale_product": self.product,
            "sale_product_id": text(self.product_id),
            "sale_qty": text(self.quantity),
            "sale_cents": text(self.cents),
            "sale_alt": text(self.alternative),
            "sale_settled": "yes" if self.settled else "",
            "sale_day": self.day,
            "sale_pay": self.payment,
            "sale_earlier": "yes" if self.earlier else "",
            "sale_corrects": text(self.corrects),
            "sale_mode": self.mode,
        }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- what to ask next ---------------------------------------------------------------------


def next_step(draft: Draft, coop: CoopInfo) -> str:
    """The first thing missing or doubtful, else the confirmation (see STEPS)."""
    if draft.mode == "undo":
        return "confirm_undo"
    if draft.earlier:
        return "earlier"
    if draft.mode == "sale" and before_start(draft, coop):
        return "before_start"
    if draft.several:
        return "one_at_a_time"
    if not draft.product:
        return "product"
    if draft.quantity is None:
        return "quantity"
    if draft.cents is None:
        return "amount"
    if draft.cents <= 0:
        return "not_positive"
    if readings(draft, coop) is not None:
        return "which"
    if draft.cents > coop.max_sale_cents:
        return "too_high"
    return "confirm_fix" if draft.mode == "correction" else "confirm"


def before_start(draft: Draft, coop: CoopInfo) -> bool:
    """The sale's day is before the coop's first business day: the ledger would refuse it."""
    return coop.starts_on is not None and business_day(draft, coop) < coop.starts_on


def readings(draft: Draft, coop: CoopInfo) -> tuple[int, int] | None:
    """(x, y) when the amount may be x in total or x each (= y in total), and the member has
    not chosen yet: the NLU read it both ways, or the total is far from the product's usual
    price while the other reading is near it. None when there is nothing to ask."""
    q, total = draft.quantity, draft.cents
    if draft.settled or q is None or q < 2 or total is None or total <= 0:
        return None
    limit = coop.max_sale_cents
    alt = draft.alternative
    if alt is not None and alt > 0 and alt != total:
        x, y = min(total, alt), max(total, alt)
        return (x, y) if y == x * q and y <= limit else None
    price = _price(draft, coop)
    if not price:
        return None
    expected = q * price
    if _near(total, expected):
        return None
    if _near(total * q, expected) and total * q <= limit:
        return total, total * q
    if total % q == 0 and _near(total // q, expected):
        return total // q, total
    return None


def settle(draft: Draft, coop: CoopInfo) -> Draft:
    """An NLU reading over the coop's limit is dropped for the other one, when that one is
    not: nobody needs to be asked about 1,440 € when 120 € was typed. The reading left is
    then the one the member meant (the confirmation shows it): no other is made up from
    the usual price ("5 repas 400" is 400 € in total, never "80 € in total?")."""
    alt = draft.alternative
    if alt is None or draft.cents is None or draft.settled:
        return draft
    limit = coop.max_sale_cents
    if draft.cents > limit >= alt > 0:
        return replace(draft, cents=alt, alternative=None, settled=True)
    if alt > limit >= draft.cents:
        return replace(draft, alternative=None, settled=True)
    return draft


def choose(draft: Draft, coop: CoopInfo, reading: str) -> Draft:
    """The member's choice between the two readings: "total" (x) or "each" (y)."""
    found = readings(draft, coop)
    if found is None or reading not in ("total", "each"):
        return draft
    return replace(draft, cents=found[0] if reading == "total" else found[1], settled=True)


def _near(amount: int, expected: int) -> bool:
    return expected <= amount * NEAR and amount <= expected * NEAR


def _price(draft: Draft, coop: CoopInfo) -> int:
    return next((p.price_cents for p in coop.products if p.id == draft.product_id), 0)


# --- reading messages and answers ----------------------------------------------------------


def from_message(
    parse: ParseResult | None, cents: Mapping[str, int], text: str, coop: CoopInfo
) -> Draft | None:
    """The sale a message tells ("5 assiettes à 8", "بعت 3 شنط ب 45", "፭ ሸሓኒ ብ፰"), as far
    as it goes; None when it tells none (a button, "my sales", a question about totals).

    Here the message is a sale whatever the NLU's intent, so its quantity and product are
    read as in a sale context (nlu.entities); its amounts are the host's, in cents."""
    if parse is None:
        return None
    told = entities.sale(normalize.fold(text), parse.lang if parse.lang in LANGS else "und")
    quantity = parse.entity("quantity") or told.quantity
    word = parse.entity("product") or told.product
    amount = cents.get("amount")
    if quantity is None and word is None and amount is None and parse.intent != "log_sale":
        return None
    if isinstance(word, str) and fold(word) in _NOT_PRODUCTS:
        word = None
        if quantity == 1 and not re.search(r"\d", numbers.ascii_digits(text)):
            quantity = None  # "une vente": an article, not a count
    draft = Draft(
        quantity=_quantity(quantity),
        cents=-amount if amount is not None and _NEGATIVE.match(text) else amount,
        alternative=cents.get("amount_alternative"),
        day=YESTERDAY if parse.entity("day") == YESTERDAY else TODAY,
        payment=payment_in(text) or "cash",
        earlier=_earlier(text),
        several=len(_products_named(text, coop)) > 1,
    )
    if isinstance(word, str) and word:
        draft = with_product(draft, as_written(word, text), coop)
    return settle(draft, coop)


def _products_named(text: str, coop: CoopInfo) -> set[object]:
    """The different products a message counts ("5 repas 40 et 2 boissons 5"): the word
    after each quantity (past a counter: "12 دانه سمبوسه"), when it is a listed product, a
    word of a product group (content/products.yaml) or a product word the NLU knows. A word
    that prices ("9 euros le plat", "6 صحون كسكس الصحن ب 9") is no second product."""
    found: set[object] = set()
    words = fold(text).split()
    for i, word in enumerate(words[:-1]):
        if whole_number(word) is None:
            continue
        after = [w for w in words[i + 1 : i + 3] if w not in COUNTERS]
        if after and (product := _product_key(after[0], coop)) is not None:
            found.add(product)
    return found


def _product_key(word: str, coop: CoopInfo) -> object | None:
    """What a word names as a product: a listed one (its id), a group, a known product word."""
    if not any(ch.isalpha() for ch in word):
        return None
    product = match_product(word, coop.products, typos=False)
    if product is not None:
        return product.id
    base = _singular(word)
    group = next((g for g in _groups() if base in g), None)
    if group is not None:
        return group
    return base if word in PRODUCTS else None


def with_product(draft: Draft, name: str, coop: CoopInfo) -> Draft:
    """The product a member named: a listed one (by its name, an alias, a word of the same
    group in any language, or with a small typo). A name the coop does not list is no
    product (never one made up at the coop's default VAT rate): the product is asked again.
    Only a coop that lists no product at all keeps the name as written."""
    product = match_product(name, coop.products)
    if product is not None:
        return replace(draft, product=product.name, product_id=product.id, unknown=False)
    if coop.products:
        return replace(draft, product="", product_id=None, unknown=True)
    kept = " ".join(name.split())[:MAX_PRODUCT_NAME]
    return replace(draft, product=kept, product_id=None)


def product_answer(draft: Draft, text: str, coop: CoopInfo) -> Draft:
    """An answer to "which product?": its number in the list, or its name (with a quantity
    before it, "5 assiettes", both are taken)."""
    answer = " ".join(text.split())
    digits = numbers.ascii_digits(answer).strip(" .)")
    if digits.isdigit():
        index = int(digits) - 1
        if 0 <= index < len(coop.products):
            p = coop.products[index]
            return replace(draft, product=p.name, product_id=p.id)
        return draft
    words = answer.split()
    if len(words) > 1 and (count := whole_number(words[0])) is not None and count > 0:
        draft = replace(draft, quantity=_quantity(count))
        answer = " ".join(words[1:])
    elif (glued := _glued(answer, coop)) is not None:
        return replace(
            draft,
            quantity=_quantity(glued[0]),
            product=glued[1].name,
            product_id=glued[1].id,
            unknown=False,
        )
    if not any(ch.isalpha() for ch in answer):
        return draft
    return with_product(draft, answer, coop)


def quantity_answer(draft: Draft, text: str, coop: CoopInfo) -> Draft:
    """An answer to "how many?": a whole number, or a count glued to the product ("3repas")."""
    count = whole_number(text)
    if count is None and (glued := _glued(text, coop)) is not None:
        count = glued[0]
    return replace(draft, quantity=_quantity(count))


def _glued(text: str, coop: CoopInfo) -> tuple[int, ProductInfo] | None:
    """ "3repas": a count typed against a listed product's name; not an Arabizi word ("3andi")."""
    found = _GLUED.fullmatch(numbers.ascii_digits(text.strip()))
    if found is None:
        return None
    product = match_product(found.group(2), coop.products, typos=False)
    return (int(found.group(1)), product) if product is not None else None


def amount_answer(draft: Draft, text: str, cents: Mapping[str, int]) -> Draft:
    """An answer to "how much?": the NLU's amount in cents (by the host), or a number said
    in words ("quarante") as whole euros; a minus sign is kept (and refused after)."""
    amount = cents.get("amount")
    alternative = cents.get("amount_alternative")
    if amount is None:
        euros = whole_number(text)
        if euros is None:
            return replace(draft, cents=None, alternative=None, settled=False)
        amount, alternative = euros * 100, None
    if _NEGATIVE.match(text):
        amount = -amount
    return replace(draft, cents=amount, alternative=alternative, settled=False)


def to_change(draft: Draft, field: str) -> Draft:
    """A correction's draft with one part to ask again ("fix_qty"…): a new quantity asks for
    the total again too."""
    if field == "fix_product":
        return replace(draft, product="", product_id=None)
    if field == "fix_qty":
        return replace(draft, quantity=None, cents=None, alternative=None, settled=False)
    if field == "fix_amount":
        return replace(draft, cents=None, alternative=None, settled=False)
    return draft


def from_sale(sale: SaleInfo, coop: CoopInfo, mode: str) -> Draft:
    """A recorded sale, as the draft of its undoing or correction."""
    return Draft(
        mode=mode,
        product=sale.product,
        product_id=sale.product_id,
        quantity=sale.quantity,
        cents=sale.cents,
        settled=True,
        day=YESTERDAY if sale.day == coop.today - timedelta(days=1) else TODAY,
        payment=sale.payment if sale.payment in PAYMENTS else "cash",
        corrects=sale.id,
    )


def business_day(draft: Draft, coop: CoopInfo) -> date:
    return coop.today - timedelta(days=1) if draft.day == YESTERDAY else coop.today


def _quantity(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_QUANTITY:
        return value
    return None


def whole_number(text: str) -> int | None:
    """A whole number typed in any digits ("5", "٥", "۵", "፭") or said in words in one of
    our languages ("cinq", "خمسة", "پنج", "ሓሙሽተ"); None when the text holds none or
    several, or a fraction."""
    folded = numbers.prepare_french(fold(text))
    digits = _LATIN_DIGITS.findall(folded)
    if digits:
        if len(digits) != 1 or not digits[0].isdigit():
            return None
        return int(digits[0])
    values = []
    for token in folded.split():
        value = None
        for lang in ("fr", "ar", "prs", "ti"):
            value = numbers.word_value(token, lang)
            if value is not None:
                break
        if value is not None:
            values.append(value)
        elif values and not numbers.is_joiner(token):
            break
    if not values:
        return None
    if re.search(r"\d", folded) and not digits:
        return None  # "bi3t wa7ed": only digits inside words, and a word that counts
    total = numbers.combine(values)
    return int(total) if total.is_integer() else None


def payment_in(text: str) -> str | None:
    """The payment method a message names ("par carte", "بالبطاقة", "کارت"), if one."""
    folded = f" {fold(text)} "
    found = [
        method
        for method, words in _PAYMENT_WORDS.items()
        if any(f" {fold(w)} " in folded for w in words)
    ]
    return found[0] if len(found) == 1 else None


def _earlier(text: str) -> bool:
    folded = f" {fold(text)} "
    # ... or some days ago, as the NLU reads them ("il y a 2 jours", "قبل يومين").
    return any(f" {w} " in folded for w in _EARLIER) or bool(EARLIER.search(normalize.fold(text)))


def as_written(word: str, text: str) -> str:
    """The product word the NLU found (folded), as the member wrote it in the message."""
    for raw in text.split():
        cleaned = raw.strip(".,;:!?؟،()[]«»\"'")
        if cleaned and normalize.fold(cleaned) == word:
            return cleaned
    return word


# --- products ------------------------------------------------------------------------------


def match_product(
    name: str, products: tuple[ProductInfo, ...], *, typos: bool = True
) -> ProductInfo | None:
    """The one listed product a name means: by its name or an alias (singular or plural),
    by the first word of a longer name ("gâteau" for "gâteau à emporter"), by a word of the
    same group in another language (content/products.yaml), else (`typos`) by a name one
    small typo away ("rpas", "boison")."""
    wanted = _singular(fold(name))
    if not wanted:
        return None
    for names in (_own_names, _first_words, _group_names):
        found = [p for p in products if wanted in names(p)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    if not typos or len(wanted) < 3:
        return None
    near = {
        p.id: p
        for p in products
        if difflib.get_close_matches(wanted, _own_names(p) | _first_words(p), 1, _TYPO)
    }
    return next(iter(near.values())) if len(near) == 1 else None


def _own_names(p: ProductInfo) -> set[str]:
    return {_singular(fold(n)) for n in (p.name, *p.aliases)} - {""}


def _first_words(p: ProductInfo) -> set[str]:
    return {_singular(fold(n).split()[0]) for n in (p.name, *p.aliases) if fold(n)}


def _group_names(p: ProductInfo) -> set[str]:
    own = _own_names(p) | _first_words(p)
    out: set[str] = set()
    for group in _groups():
        if own & group:
            out |= group
    return out


@cache
def _groups() -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(_singular(fold(w)) for w in words) for words in product_words().groups.values()
    )


def _singular(word: str) -> str:
    """French plurals and their learners' spellings meet their singular: "assiettes",
    "gateaux", "repas" -> "assiette", "gateau", "repa" (both sides are cut alike)."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in word.split())
