"""Sale amounts (total in euros), quantity, product and day, as tables."""

from __future__ import annotations

import pytest

from nlu import entities
from nlu.normalize import sale_text
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


# The rules added against the development set (nlu/dev), one group per rule.
MORE_AMOUNTS = [
    # a bare number beside a total word, or after "=", is the total
    ("4 bols, 30 en tout", "fr", 30),
    ("vendu 2 jupes et 3 sacs pour 95 au total", "fr", 95),
    ("3 robes a 20 et 1 a 35 total 95", "fr", 95),
    ("c fait 22 euros 50 en tt", "fr", 22.5),
    ("7 beignets a 1€ = 7", "fr", 7),
    ("jupes 2 x 15€ = 30€", "fr", 30),
    ("باعت 6 صحون والمجموع 48", "ar", 48),
    ("l majmou3 75", "ar", 75),
    ("۳ پیشبند جمعاً ۳۶", "prs", 36),
    ("۵ بکس کل ۶۰ یورو", "prs", 60),  # Dari "کل" is "all"
    ("4 ta chapan jaman 120", "prs", 120),
    ("ጸብሒ 4 ብድምር 40", "ti", 40),
    ("kulu bhabar 55", "ti", 55),
    ("vendu 2 coussins, 35 les deux", "fr", 35),
    # an "each" word before the price, past a preposition and at most one word
    ("5 فساتين بالواحد 25", "ar", 125),
    ("بعت 10 كيكات بالحبة 0.5", "ar", 5),
    ("بعت 3 صحون كل وحدة 12", "ar", 36),
    ("۸ ماسک یکی ۲ یورو", "prs", 16),
    ("۶ بولانی، یکی سه یورو", "prs", 18),
    ("۵ پلیت قابلی فی پلیت ۱۱", "prs", 55),
    ("۴ بکس هر کدام ۱۵ یورو", "prs", 60),
    ("forokhtam 3 ta piran danai 25 euro", "prs", 75),
    ("chai 8 ta, fi dana 1.5", "prs", 12),
    ("5 kilo keik kiloyi 10 euro", "prs", 50),
    ("۳ کیلو کیک، کیلویی ۹ یورو", "prs", 27),
    ("ትራስ 3 ነፍሲ ወከፍ 20 ዩሮ", "ti", 60),
    ("ባኒ 10 ንሓደ 1 ዩሮ", "ti", 10),
    ("shetu 5 borsa nefsi wekef 12", "ti", 60),
    ("injera 12 nhade 2 euro", "ti", 24),
    # ... or right after it
    ("bi3t 4 ka3kat b 3 lwa7da", "ar", 12),
    ("بعت 4 صحون ب 9 للصحن", "ar", 36),
    ("vendu 3 sacs 12€ l'un", "fr", 36),
    ("vendu 4 tartes 6 € l'unité et 2 jus à 2€", "fr", 28),
    ("3 ta keik 20 euro yaki", "prs", 60),
    ("چای دو و نیم یورو یکی، ۴ تا", "prs", 10),
    ("j'ai vendu 20€ le matin", "fr", 20),  # "le matin" is no unit
    # Tigrinya "one for 15" after a quantity is 15 each; "ten ten" is ten each
    ("4 ቦርሳ ሓደ ብ15", "ti", 60),
    ("ሻሂ 10 ሓደ ብ1", "ti", 10),
    ("ኬክ 3 ኪሎ ሓደ ኪሎ ብ12", "ti", 36),
    ("sambusa 15 hade b 1", "ti", 15),
    ("ሰለስተ ቦርሳ ብዕስራ ዕስራ", "ti", 60),
    ("shetku 4 borsa b 15 15", "ti", 60),
    ("2 ቦርሳ ብ 30 ዩሮ ሓደ ሓደ", "ti", 60),
    ("ሓደ ቦርሳ ብ15", "ti", 15),  # one bag: one is the quantity
    # a price of one stated first, the quantity after it
    ("les beignets 2€ chaque, j'en ai vendu 15", "fr", 30),
    ("3 euros 50 le the, j'en ai vendu 4", "fr", 14),
    ("یکی ۵ یورو، ۸ دانه فروختم", "prs", 40),
    ("یکی ۵۰ سنت، ۱۰ سمبوسه", "prs", 5),
    ("har kodam 4 euro 6 ta mask", "prs", 24),
    ("الحبة ب نص يورو بعت 30 حبة", "ar", 15),
    ("كيلو الحلويات ب 12 بعت 2 كيلو", "ar", 24),
    # several quantities before one price of each: all of them
    ("بعت 3 قهوة و 5 شاي بالواحد 2", "ar", 16),
    ("۲ چای ۳ قهوه هر کدام ۲ یورو", "prs", 10),
    ("۴ پلیت منتو و ۲ پلیت آشک، هر پلیت ۱۰ یورو", "prs", 60),
    ("ቡን 3 ሻሂ 5 ነፍሲ ወከፍ 2 ዩሮ", "ti", 16),
    ("3 coussins 1 a 20 et 2 a 15", "fr", 50),  # "1 à 20": the quantity right before
    # a list: each item with its own price, "+" "et" "و" "ከምኡውን" or a comma between
    ("2 sacs 10 chacun + 1 echarpe 8", "fr", 28),
    ("jai vendu 1 sac 20 + 1 sac 25", "fr", 45),
    ("1 couscous 10 1 mafe 11 3 jus 2 chacun", "fr", 27),
    ("j'ai encaissé 50 € en liquide et 15 par carte", "fr", 65),
    ("بعت 2 شنط كل وحدة 20 + شال 8", "ar", 48),
    ("یک پیراهن ۳۰ و دو دستمال هر کدام ۱۰", "prs", 50),
    ("قابلی ۳ پلیت هر پلیت ۱۰ یورو، جوس ۲ دانه هر کدام ۳", "prs", 36),
    ("۲ شال فی دانه ۱۰ یورو و ۳ ماسک فی دانه ۲", "prs", 26),
    ("۲ بکس ۱۵ یورو فی دانه و ۱ پیراهن ۲۰", "prs", 50),
    ("3 ቦርሳ ነፍሲ ወከፍ 10 + 1 መሓረብ 5", "ti", 35),
    ("እንጀራ 6 ንሓደ 2 ዩሮ ከምኡውን ጸብሒ 2 ሸሓኒ ብ10 ነፍሲ ወከፍ", "ti", 32),
    # cents after the currency, whatever word follows; halves; a Dari decimal slash
    ("2 euros 50 le cafe", "fr", 2.5),
    ("vendu 4 samoussas à 1€50 pièce", "fr", 6),
    ("بعت حلوى بعشرة أورو ونص", "ar", 10.5),
    ("نص يورو", "ar", 0.5),
    ("دو و نیم یورو", "prs", 2.5),
    ("یک دامن به ۱۲/۵ یورو فروختم", "prs", 12.5),
    ("ሻሂ 4 ሓደ ብ2 ዩሮ 50", "ti", 10),
    # an ordinal or a duration is no money
    ("8 repas a 9€ au foyer du 18e", "fr", 72),
    ("la voisine du 2e etage a pris 3 tartes 21€", "fr", 21),
    ("[voice note 0:12]", "fr", None),
    # number words: Tigrinya "ብ" + tens + "-ን", a second spelling of forty
    ("ሎሚ ሸጥኩ ብኣርብዓን ሓሙሽተን", "ti", 45),
    ("ኣርባዓ ዩሮ ረኺበ", "ti", 40),
]

# A bare number after a quantity and its product may be the price of one or of all: both
# readings, the total first unless it prices an item under 2 €; one price clearly of one
# item ("3 شاي ب 2") tells how the others of the list read.
BARE_AND_LISTS = [
    ("4 sacs 20", "fr", 20, 80),
    ("5 couscous 50", "fr", 50, 250),
    ("8 jus 6", "fr", 48, 6),
    ("بعت 4 صحون ب 6", "ar", 24, 6),
    ("ሸጥኩ 5 ሸሓኒ ብ9", "ti", 45, 9),
    ("2 كسكس ب 12 و 4 شاي ب 2", "ar", 32, 20),
    ("۲ قابلی به ۱۲ و ۴ چای به ۲", "prs", 32, 20),
]

# A total under 1 € an item with a currency and no marker is a price of one.
ONE_READING = [
    ("Vendu 12 jus 2€", "fr", 24),
    ("نان ۲۰ دانه ۱ یورو", "prs", 20),
]

# Money borrowed, lent, spent, rent or asked about gives no amount, unless a sale is said.
NOT_SOLD = [
    ("j'ai emprunté 150 euros à mon frère", "fr"),
    ("mon loyer est de 600 euros", "fr"),
    ("j'ai acheté des oignons pour 12 euros", "fr"),
    ("c'est combien 5 euros ?", "fr"),
    ("شريت الخضرة ب 20 يورو", "ar"),
    ("تسلفت 80 يورو", "ar"),
    ("قديش نبيع الكيكة 6 يورو؟", "ar"),
    ("کرایه خانه ۴۰۰ یورو", "prs"),
    ("از خواهرم ۵۰ یورو قرض گرفتم", "prs"),
    ("این کیف چند است؟ ۱۵ یورو؟", "prs"),
    ("ክራይ ገዛ 500 ዩሮ", "ti"),
    ("ጨርቂ ብ20 ዩሮ ገዚአ", "ti"),
    ("ሓደ ቦርሳ ብኽንደይ ንሽጦ? 10 ዩሮ?", "ti"),
]


@pytest.mark.parametrize(("text", "lang", "expected"), MORE_AMOUNTS)
def test_more_amounts(text: str, lang: str, expected: float | None) -> None:
    got = entities.sale(sale_text(text), lang).amount
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize(("text", "lang", "amount", "alternative"), BARE_AND_LISTS)
def test_bare_prices_and_lists_give_both_readings(
    text: str, lang: str, amount: float, alternative: float
) -> None:
    got = entities.sale(sale_text(text), lang)
    assert (got.amount, got.alternative) == (pytest.approx(amount), pytest.approx(alternative))


# How it was paid ("par carte", "en espèces", "بالبطاقة", "با کارت", "ብካርድ") is no price
# of one, no count and no product: the number before it is the total, read as the same
# message without the payment would be.
PAID_BY = [
    ("2 repas 16 par carte", "fr", 16, 32, 2, "repas"),
    ("2 repas 16 par CB", "fr", 16, 32, 2, "repas"),
    ("2 repas 16 cb", "fr", 16, 32, 2, "repas"),
    ("2 repas 16€ par carte", "fr", 16, None, 2, "repas"),
    ("2 repas 16 par chèque", "fr", 16, 32, 2, "repas"),
    ("3 repas 24 cash", "fr", 24, 72, 3, "repas"),
    ("2 repas 16 en espèces", "fr", 16, 32, 2, "repas"),
    ("2 repas à 8 par carte", "fr", 16, None, 2, "repas"),
    ("5 repas à 8€ par repas", "fr", 40, None, 5, "repas"),
    ("بعت 2 وجبات ب 16 بالبطاقة", "ar", 16, 32, 2, "وجبات"),
    ("۲ غذا ۱۶ کارت", "prs", 16, 32, 2, "غذا"),
    ("۲ غذا ۱۶ با کارت", "prs", 16, 32, 2, "غذا"),
    ("2 መግቢ 16 ብካርድ", "ti", 16, 32, 2, "መግቢ"),
]


# Arabizi writes ع ح ق ء خ as 3 7 9 2 5: a digit inside a Latin word is a letter, never a
# count or an amount, in a sale context too.
ARABIZI_WORDS = [
    ("chhal bi3t had simana", "ar"),
    ("ma3rftch", "ar"),
    ("ma3rftch chhal", "ar"),
    ("b3d lghda", "ar"),
    ("3andi 7aja", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), ARABIZI_WORDS)
def test_digits_inside_latin_words_are_letters(text: str, lang: str) -> None:
    got = entities.sale(sale_text(text), lang)
    assert (got.amount, got.quantity) == (None, None)
    assert not entities.extract(sale_text(text), lang, sale_context=True)


@pytest.mark.parametrize(("text", "lang", "amount", "alternative", "qty", "product"), PAID_BY)
def test_a_payment_method_is_not_a_unit_price(
    text: str, lang: str, amount: float, alternative: float | None, qty: int, product: str
) -> None:
    got = entities.sale(sale_text(text), lang)
    assert (got.amount, got.alternative) == (amount, alternative)
    assert (got.quantity, got.product) == (qty, product)
    found = {e.entity: e.value for e in entities.extract(sale_text(text), lang, sale_context=False)}
    assert found.get("amount") == amount


@pytest.mark.parametrize(("text", "lang", "amount"), ONE_READING)
def test_an_implausible_total_reads_as_a_unit_price(text: str, lang: str, amount: float) -> None:
    assert entities.sale(sale_text(text), lang).amount == pytest.approx(amount)


@pytest.mark.parametrize(("text", "lang"), NOT_SOLD)
def test_money_that_is_not_sold_gives_no_amount(text: str, lang: str) -> None:
    found = entities.extract(sale_text(text), lang, sale_context=True)
    assert [e for e in found if e.entity.startswith("amount")] == []


def test_a_sale_said_keeps_its_amount_beside_a_purchase() -> None:
    found = entities.extract(
        sale_text("j'ai vendu 5 robes 60 euros, combien pour la coop ?"), "fr", sale_context=True
    )
    assert ("amount", 60.0) in [(e.entity, e.value) for e in found]


@pytest.mark.parametrize(("text", "lang", "expected"), AMOUNTS)
def test_amount(text: str, lang: str, expected: float | None) -> None:
    got = entities.sale(sale_text(text), lang).amount
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


# "ب / b / به / ብ + number" after a quantity: "for" more often than "each". Both readings
# are given; the total comes first unless it would price an item under 2 €.
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
    got = entities.sale(sale_text(text), lang)
    assert (got.amount, got.alternative) == (pytest.approx(amount), pytest.approx(alternative))
    found = {e.entity: e.value for e in entities.extract(sale_text(text), lang, sale_context=True)}
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
    got = entities.sale(sale_text(text), "ar" if text[0] in "ب" else "fr")
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
    sale = entities.sale(sale_text(text), lang)
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
    assert entities.day(sale_text(text)) == day


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
        for e in entities.extract(sale_text("11 gateaux x 2,5"), "fr", sale_context=sale_context)
    }
    assert found["amount"] == pytest.approx(27.5)
    assert found["quantity"] == 11
    assert found["product"] == "gateaux"


def test_quantity_without_a_price_stays_in_the_sale_context() -> None:
    found = {
        e.entity for e in entities.extract(sale_text("j'ai 3 enfants"), "fr", sale_context=False)
    }
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
        entities.extract(sale_text(text), "fr", sale_context=True)


# Ge'ez punctuation: the wordspace "፡" typed right after a word, "።" and "፣" between items.
GEEZ_PUNCTUATION = [
    ("3 x 15 = 45 ዩሮ፡ ሰለስተ ቦርሳ ሸጥኩ", 45.0, None),
    ("ሎሚ 4 መግቢ ሸጥኩ፡ ብድምር 32 ዩሮ።", 32.0, None),
    ("3 ቦርሳ ብ 15 ዩሮ፡ ነፍሲ ወከፍ", 45.0, None),
    ("ሎሚ 3 ቦርሳ ብ15 ዩሮ ሸጥኩ። 2 መግቢ ብ8 ዩሮ", 23.0, 61.0),
    ("3 ቦርሳ ብ 15፣ 2 መግቢ ብ 8", 23.0, 61.0),
]


@pytest.mark.parametrize(("text", "amount", "alternative"), GEEZ_PUNCTUATION)
def test_geez_punctuation_is_punctuation(
    text: str, amount: float, alternative: float | None
) -> None:
    got = entities.sale(sale_text(text), "ti")
    assert got.amount == pytest.approx(amount)
    assert got.alternative == (None if alternative is None else pytest.approx(alternative))
    assert "፡" not in sale_text(text) and "።" not in sale_text(text)


# "For a euro": the currency alone after "ب" / "b" is one euro ("بيورو", "ب يورو ونص").
ONE_EURO = [
    ("بعت 10 كاسات، الكاس بيورو", 10.0, None),
    ("بعت 10 كاسات اتاي بيورو للكاس", 10.0, None),
    ("بعت 10 كاسات ب يورو ونص للواحد", 15.0, None),
    ("بعت ١٢ خبزة، الخبزة بيورو ونص", 18.0, 1.5),
    ("10 ka2sat b euro lwa7ed", 10.0, None),
    ("بعت 3 فساتين ب 60 يورو", 60.0, 180.0),  # a number before the currency: as before
]


@pytest.mark.parametrize(("text", "amount", "alternative"), ONE_EURO)
def test_a_currency_alone_after_for_is_one_euro(
    text: str, amount: float, alternative: float | None
) -> None:
    got = entities.sale(sale_text(text), "ar")
    assert got.amount == pytest.approx(amount)
    assert got.alternative == (None if alternative is None else pytest.approx(alternative))
