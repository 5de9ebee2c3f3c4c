"""Sale amounts (total in euros), quantity, product and day, as tables."""

from __future__ import annotations

import pytest

from nlu import entities
from nlu.normalize import fold
from nlu.pipeline import parse

AMOUNTS = [
    # digits, decimals, digit systems
    ("45,50", "fr", 45.5),
    ("45.50€", "fr", 45.5),
    ("45€50", "fr", 45.5),
    ("45 euros 50", "fr", 45.5),
    ("٤٥ يورو", "ar", 45),
    ("۳۰ یورو", "prs", 30),
    ("۴۵٫۵۰ یورو", "prs", 45.5),
    ("45 €", "und", 45),
    # quantity x unit price
    ("12 repas à 8€", "fr", 96),
    ("12 repas a 8 euros", "fr", 96),
    ("3 robes a 25e", "fr", 75),
    ("5 sacs 15 euros chacun", "fr", 75),
    ("8€ le repas, 12 repas", "fr", 96),
    ("20 samoussas a 1,50€", "fr", 30),
    ("12x8", "fr", 96),
    ("7x5€", "fr", 35),
    ("بعنا ١٢ وجبة كل وحدة ب ٨ يورو", "ar", 96),
    ("۵ بکس هر دانه ۱۵ یورو", "prs", 75),
    ("emroz 12 ghaza frokhtem har kodam 8 euro", "prs", 96),
    ("12 መግቢ ነፍሲ ወከፍ ብ 8 ዩሮ ሸይጠ", "ti", 96),
    # totals, sums, several items
    ("j'ai vendu 30 repas 240€", "fr", 240),
    ("total 150 euros pour 20 repas", "fr", 150),
    ("30€ ce matin et 15€ ce soir", "fr", 45),
    ("vendu 3 foulards et 1 sac pour 70 euros", "fr", 70),
    ("2 ቦርሳን 3 ክዳንን ብ 70 ዩሮ ሸጥና", "ti", 70),
    # number words
    ("quarante-cinq euros", "fr", 45),
    ("quatre-vingt-dix euros", "fr", 90),
    ("deux cent vingt euros", "fr", 220),
    ("خمسة و اربعين يورو", "ar", 45),
    ("بعت بخمسين يورو", "ar", 50),
    ("bi3t b khamsin euro", "ar", 50),
    ("چهل و پنج یورو", "prs", 45),
    ("دو صد یورو فروش", "prs", 200),
    ("panjah euro frokhtom", "prs", 50),
    ("نه یورو", "prs", 9),
    ("ኣርብዓን ሓሙሽተን ዩሮ", "ti", 45),
    ("ሓምሳ ዩሮ", "ti", 50),
    ("ክልተ ሚእቲ ዩሮ", "ti", 200),
    # "x" after the product, the currency, or before the quantity (any word order)
    ("8 crepes x 3,50", "fr", 28),
    ("vendu 6 tajines x 12 euros", "fr", 72),
    ("3,5 x 8 crêpes", "fr", 28),
    ("4€ x 9", "fr", 36),
    ("8 ሳምቡሳ x 1.5 ዩሮ", "ti", 12),
    ("بعت 7 سندويش x 4", "ar", 28),
    ("۸ بولانی x ۳ یورو", "prs", 24),
    # French thousands: a space or a dot before exactly three digits
    ("traiteur 2 300 euros", "fr", 2300),
    ("3 200 € de commande", "fr", 3200),
    ("4 250,50 €", "fr", 4250.5),
    ("vendu 2.400€ pour le mariage", "fr", 2400),
    ("commande de 12.000 euros", "fr", 12000),
    ("1,500 euros", "fr", 1.5),  # French decimal comma
    ("1.50 euros", "fr", 1.5),
    ("14 repas 120 €", "fr", 120),  # a word between: no thousands
    # whole words only: Dari "بده" is "give!", "کل واحد" / "هر یک" is "each one"
    ("۴۰ یورو قرض بده", "prs", 40),
    ("امروز ۹۰ یورو فروش بده", "prs", 90),
    ("۶ بکس هر یک ۱۰ یورو", "prs", 60),
    ("بعنا 12 صحن كل واحد ب 7 يورو", "ar", 84),
    ("ba3t 8 sandwich kol wa7ed b 5 euro", "ar", 40),
    ("الطبق ده ب 6 يورو", "ar", 6),  # Egyptian "ده" is "this"
    ("بعت بعشرة يورو", "ar", 10),
    # a total word names the money next to it
    ("j'ai tout vendu, 12 repas à 8€", "fr", 96),
    ("vendu en 2024 pour 30€", "fr", 30),
    # noise that is not money
    ("le 12 mars j'ai vendu pour 40€", "fr", 40),
    ("rdv a 14h, vendu 20 euros", "fr", 20),
    ("3la 7sab 20 euro", "ar", 20),  # Arabizi digits inside words are letters
    ("j'ai vendu 12 repas", "fr", None),
    ("نه", "prs", None),  # "no", not nine
    ("je veux noter mes ventes", "fr", None),
    # unit-price markers multiply, wherever they stand
    ("vendu 6 coussins 8 € pièce", "fr", 48),
    ("10 crepes a 2€ la piece", "fr", 20),
    ("3 kilos de msemen, le kilo à 12€", "fr", 36),
    ("4 tabliers 15e chacun", "fr", 60),
    ("بعت 5 صحون 9 يورو للواحد", "ar", 45),
    ("بعت 20 مسمن الحبة ب 2 يورو", "ar", 40),
    ("bi3t 6 sandwich 5 euro lwa7ed", "ar", 30),
    ("۴ بکس فروختم هر کدام ۱۲ یورو", "prs", 48),
    ("۸ بولانی دانه‌ای ۳ یورو", "prs", 24),
    ("6 ቦርሳ ነፍሲ ወከፍ 10 ዩሮ ሸጥኩ", "ti", 60),
    ("5 ሳምቡሳ ንሓደ 2 ዩሮ", "ti", 10),
    # total markers do not
    ("12 repas a 96 euros en tout", "fr", 96),
    ("au total 80€ pour 10 plats", "fr", 80),
    ("بعت 3 فساتين ب 90 يورو المجموع", "ar", 90),
    ("10 صحون ب 70 يورو الكل", "ar", 70),
    ("۵ بکس به ۶۰ یورو جمعاً", "prs", 60),
    ("در کل ۴ بولانی ۲۰ یورو", "prs", 20),
    ("4 ቦርሳ ብ 80 ዩሮ ብድምር", "ti", 80),
    # every digit system, and Ge'ez numerals (no zero, no place value)
    ("بعت ١٢ صحن بـ ٩٦ يورو المجموع", "ar", 96),
    ("امروز ۱۲۰ یورو فروش", "prs", 120),
    ("ሎሚ ፵፭ ዩሮ ሸይጠ", "ti", 45),
    ("፻፳ ዩሮ", "ti", 120),
    ("፪፻፶ ዩሮ", "ti", 250),
    ("፲፪ መግቢ ነፍሲ ወከፍ ብ፰ ዩሮ", "ti", 96),
    ("፲፪፻ ዩሮ", "ti", 1200),
    # number words wherever they stand
    ("ብዕስራ ዩሮ ሸጥኩ", "ti", 20),
    ("ሓምሳ ዩሮ ረኺበ", "ti", 50),
    ("selasa euro shetku", "ti", 30),
    ("بعت بعشرين يورو", "ar", 20),
    ("سی یورو فروختم", "prs", 30),
    ("پنجصد یورو", "prs", 500),
    ("بيعت ب ستاش يورو", "ar", 16),
    ("vendu pour trente-cinq euros", "fr", 35),
    # a sum of several items at their prices is their total
    ("3 robes à 20€ et 2 sacs à 15€", "fr", 90),
    ("2 x 15 + 3 x 10", "fr", 60),
    ("4 crepes x 2 et 3 the x 1,5", "fr", 12.5),
    ("بعت 3 صحون كل واحد ب 8 و 2 كيك كل وحدة ب 5", "ar", 34),
    ("۳ بولانی هر دانه ۴ یورو و ۲ چای هر کدام ۱ یورو", "prs", 14),
    ("15+20+12,5", "fr", 47.5),
    ("vendu 15 + 20 aujourd hui", "fr", 35),
    ("۱۵+۲۰+۱۰ امروز", "prs", 45),
    ("12*8", "fr", 96),
    ("ajoute 35 balles", "fr", 35),
    ("۸ بولانی دانه ای ۳ یورو", "prs", 24),  # a space typed for the ZWNJ
    # cents said in words, decimals are money, a unit price in euros and cents
    ("20 euros et 50 centimes", "fr", 20.5),
    ("45 يورو و 50 سنتيم", "ar", 45.5),
    ("۲۰ یورو و ۵۰ سنت", "prs", 20.5),
    ("5 crepes 1,50 l unite", "fr", 7.5),
    ("vendu 10 crepes a 1€50", "fr", 15),
    ("ሚእትን ዕስራን ዩሮ", "ti", 120),
    ("douze euros cinquante", "fr", 12.5),
    ("ዕስራ ዩሮን ሓምሳ ሳንቲምን", "ti", 20.5),
    ("30 € 15 €", "fr", 45),
]


@pytest.mark.parametrize(("text", "lang", "expected"), AMOUNTS)
def test_amount(text: str, lang: str, expected: float | None) -> None:
    got = entities.sale(fold(text), lang).amount
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


# "ب / b / به / ብ + number" after a quantity: "for" more often than "each". Both readings
# are given; the total comes first unless it would price an item under 1 €.
AMBIGUOUS = [
    ("انا من مجموعة الخياطة بعت 4 فساتين ب 20 يورو", "ar", 20, 80),
    ("بعت 3 فساتين ب 60 يورو", "ar", 60, 180),
    ("ba3t 4 sacs b 50 euro", "ar", 50, 200),
    ("۳ دامن به ۴۵ یورو فروختم", "prs", 45, 135),
    ("3 ቦርሳ ብ 60 ዩሮ ሸጥኩ", "ti", 60, 180),
    ("ሰለስተ ቦርሳ ብዕስራ ዩሮ", "ti", 20, 60),
    ("bi3t 12 repas b 8 euro", "ar", 96, 8),
    ("۱۲ غذا به ۸ یورو فروختم", "prs", 96, 8),
    ("ده تا بولانی به ۴ یورو", "prs", 40, 4),
    ("12 መግቢ ብ 8 ዩሮ", "ti", 96, 8),
]


@pytest.mark.parametrize(("text", "lang", "amount", "alternative"), AMBIGUOUS)
def test_ambiguous_price_gives_both_readings(
    text: str, lang: str, amount: float, alternative: float
) -> None:
    got = entities.sale(fold(text), lang)
    assert (got.amount, got.alternative) == (pytest.approx(amount), pytest.approx(alternative))
    found = {e.entity: e.value for e in entities.extract(fold(text), lang, sale_context=True)}
    assert (found["amount"], found["amount_alternative"]) == (got.amount, got.alternative)


@pytest.mark.parametrize(
    "text",
    [
        "بعت 3 فساتين كل واحد ب 60 يورو",  # each: no doubt
        "بعت 3 فساتين ب 60 يورو المجموع",  # total: no doubt
        "vendu 3 robes a 60 euros",  # French "à" is a unit price
        "vendu 3 robes pour 60 euros",  # French "pour" is a total
        "بعت فستان ب 60 يورو",  # one item
        "بعت 300 سمبوسة ب 10 يورو",  # 3,000 € is no reading
    ],
)
def test_clear_price_gives_one_reading(text: str) -> None:
    got = entities.sale(fold(text), "ar" if text[0] in "ب" else "fr")
    assert got.amount is not None
    assert got.alternative is None


def test_parse_reports_both_readings() -> None:
    result = parse("بعت 3 فساتين ب 60 يورو")
    assert result.intent == "log_sale"
    assert result.to_json()["entities"][:2] == [
        {"entity": "amount", "value": 60.0},
        {"entity": "amount_alternative", "value": 180.0},
    ]


@pytest.mark.parametrize(
    ("text", "lang", "quantity", "product"),
    [
        ("12 repas à 8€", "fr", 12, "repas"),
        ("5 sacs 15 euros chacun", "fr", 5, "sacs"),
        ("۵ بکس هر دانه ۱۵ یورو", "prs", 5, "بکس"),
        ("بعت 10 سندويشات ب 4 يورو", "ar", 10, "سندویشات"),
        ("12 መግቢ ብ 8 ዩሮ", "ti", 12, "መግቢ"),
        ("vente couscous 30€", "fr", None, "couscous"),
        ("8 crepes x 3,50", "fr", 8, "crepes"),
        ("3,5 x 8 crêpes", "fr", 8, "crepes"),
        ("بعنا 12 صحن كل واحد ب 7 يورو", "ar", 12, "صحن"),
        ("۶ بکس هر یک ۱۰ یورو", "prs", 6, "بکس"),
    ],
)
def test_quantity_and_product(text: str, lang: str, quantity: int | None, product: str) -> None:
    sale = entities.sale(fold(text), lang)
    assert sale.quantity == quantity
    assert sale.product == product


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hier on a vendu 30€", "yesterday"),
        ("aujourd'hui 45 euros", "today"),
        ("ajd 20e", "today"),
        ("البارح بعنا 95 يورو", "yesterday"),
        ("lyoum bi3t 70 euro", "today"),
        ("دیروز ۹۵ یورو", "yesterday"),
        ("امروز ۴۵ یورو", "today"),
        ("ትማሊ 95 ዩሮ", "yesterday"),
        ("ሎሚ 45 ዩሮ", "today"),
        ("45 euros", None),
    ],
)
def test_day(text: str, day: str | None) -> None:
    assert entities.day(fold(text)) == day


def test_parse_gives_sale_entities() -> None:
    result = parse("j'ai vendu 12 repas à 8€ hier")
    assert result.intent == "log_sale"
    assert result.entity("amount") == pytest.approx(96.0)
    assert result.entity("quantity") == 12
    assert result.entity("product") == "repas"
    assert result.entity("day") == "yesterday"


def test_amount_is_a_float_in_euros() -> None:
    value = parse("vente 45,50").entity("amount")
    assert isinstance(value, float)
    assert value == pytest.approx(45.5)


def test_no_amount_outside_a_sale_without_money() -> None:
    assert parse("j'ai 2 enfants").entity("amount") is None


@pytest.mark.parametrize("sale_context", [True, False])
def test_stated_multiplication_does_not_depend_on_the_intent(sale_context: bool) -> None:
    found = {
        e.entity: e.value
        for e in entities.extract(fold("11 gateaux x 2,5"), "fr", sale_context=sale_context)
    }
    assert found["amount"] == pytest.approx(27.5)
    assert found["quantity"] == 11
    assert found["product"] == "gateaux"


def test_quantity_without_a_price_stays_in_the_sale_context() -> None:
    found = {e.entity for e in entities.extract(fold("j'ai 3 enfants"), "fr", sale_context=False)}
    assert found == set()


# Every pair and triple of these tokens, in order: numbers next to markers in every position.
PIECES = [
    "1",
    "12",
    "2.5",
    "€",
    "x",
    "+",
    "a",
    "ب",
    "ብ",
    "centimes",
    "chacun",
    "total",
    "le",
    "robes",
]


def test_any_arrangement_of_numbers_and_markers_is_read_without_error() -> None:
    import itertools

    for n in (2, 3):
        for combo in itertools.product(PIECES, repeat=n):
            for lang in ("fr", "ar", "ti"):
                got = entities.sale(" ".join(combo), lang)
                assert got.amount is None or got.amount >= 0, combo
    for text in ["Robert'); DELETE FROM messages WHERE ('1'='1", "١٢٣ ۴۵۶ 789", "1 1 1 1"]:
        entities.extract(fold(text), "fr", sale_context=True)
