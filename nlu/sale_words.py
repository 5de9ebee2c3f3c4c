"""The words the sale rules (`nlu.entities`) read, by role, as `nlu.normalize.fold` writes them
(no accents; Arabic ک ی ه; ZWNJ joined). Number words are in `nlu.numbers`."""

from __future__ import annotations

import re
from typing import Final


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CURRENCY: Final = words(
    """€ e eur euro euros euroes euors eruos eur0 balles uro ewro yoro youro oro yuro
    یورو یوروی یوروها یوروهات اورو ایرو ایورو ዩሮ ኤውሮ ኦይሮ ዩሮታት ዩሮን"""
)
CENTIMES: Final = words("centimes centime cts ct سنتیم سانتیم سنت سانتیمات ሳንቲም ሳንቲምን")

# Before a number: the price of one ("12 repas à 8€", "3 x @ 5").
EACH_PREP: Final = words("a @")
# Before a number: money, "for" more often than "each" ("بعت 3 فساتين ب 60": for 60, all three).
FOR_PREP: Final = words("ب بـ b ብ ba bi be به")
UNIT_PREP: Final = EACH_PREP | FOR_PREP

# Next to a price, before or after it: the price of one ("chacun", "la pièce", "للواحد", "هر
# کدام", "یکی", "ነፍሲ ወከፍ", "nhade").
EACH: Final = words(
    """chacun chacune chaque piece pieces unite lun lune lunite par each
    الواحد للواحد بالواحد لکل کل الحبه للحبه لحبه بالحبه القطعه للقطعه بالقطعه الوحده للوحده
    بالوحده الکیلو للکیلو بالکیلو الصحن للصحن بالصحن الکاس للکاس
    lwa7ed lwahed wa7da lwa7da l7abba l7eba l7ba kol kul
    هر هرکدام هریک کدام دانهای یکی فی کیلویی
    har kodam kudam danayi danai yaki yake yeki fi kiloyi
    ነፍሲ ወከፍ ነፍሲወከፍ ንሓደ ንሓንቲ ነናይ nefsi wekef nhade nhanti"""
)
# Not "each" in that language: Arabic "في" is "in", Dari "کل" is "all".
NOT_EACH: Final = {"ar": words("فی fi"), "prs": words("کل")}
# After a price: "8 € le repas", "2 euros la pièce".
EACH_AFTER_PRICE: Final = words("le la l")
# ... but not "20 € le matin".
NOT_A_UNIT: Final = words(
    "matin soir midi marche lundi mardi mercredi jeudi vendredi samedi dimanche weekend"
)
# "par carte" is how it was paid, not "per".
PAYMENT: Final = words("carte cb cheque cheques virement especes liquide lydia paypal")
# How a sale was paid, in our languages, with the word that may stand before it ("par carte",
# "en especes", "بالبطاقه", "ብካርድ"): one token (`PAID`), never a product, a count or "each"
# ("2 repas 16 par carte" is 16 € in total, paid by card).
PAID: Final = "<paid>"
_PAYMENT_NAMES: Final = (
    "carte bleue|carte|cb|cheques|cheque|virement|especes|espece|liquide|cash|lydia|paypal|card"
    "|بطاقه|بالبطاقه|کارت|بالکارت|کارطه|بالکارطه|نقدا|نقد|کاش|تحویل|بالتحویل|حواله"
    "|ካርድ|ብካርድ|ካሽ|ብካሽ|ጥረ ገንዘብ|ብጥረ ገንዘብ|ትራንስፈር"
)
_PAYMENT_BEFORE: Final = "par|en|au|a la|avec|with|by|in|b|bl|bel|ba|ب|با|به|ብ"
PAYMENT_PHRASE: Final = re.compile(rf"(?<!\S)(?:(?:{_PAYMENT_BEFORE}) )?(?:{_PAYMENT_NAMES})(?!\S)")
# Measures that price one unit when no number stands before them ("كيلو الحلويات ب 15").
MEASURES: Final = words("kilo kilos kg کیلو ኪሎ litre")
# "one" before a price, after a quantity: Tigrinya "3 ቦርሳ ሓደ ብ15" is 15 each.
ONE_EACH: Final = words("ሓደ ሓንቲ hade hadde")
# "each" words after which "one" is part of "each one", not a number.
EACH_ONE_BEFORE: Final = words("کل لکل بکل هر kol kul koll lkol har chaque")

TOTAL: Final = words(
    """total totale entout ensemble
    المجموع والمجموع مجموع مجموعا مجموعه بالمجموع فالمجموع الکل جمله کلشی کلهم
    majmou3 lmajmou3 kolchi
    درکل جمعا جمعاً jamean jaman jaman
    ብጠቕላላ ጠቕላላ ድምር ድምሩ ብድምር ኩሉ ኩሎም ብሓባር bdmr bdmir kulu bhabar"""
)
# Dari "کل" is "all" ("کل فروش": the whole sale).
TOTAL_BY_LANG: Final = {"prs": words("کل")}

MULTIPLY: Final = words("x × fois ضرب *")
# After a number: not money (a time, a duration, an age, a date).
TIME_AFTER: Final = words(
    """h heure heures min minute minutes ans an jours semaines mois
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    % ساعه ساعت دقیقه دقایق دقیقا سال سنه روز یوم ایام ዓመት መዓልቲ ሰዓት ደቒቕ ደቂቕ"""
)
# Before "12e": an ordinal ("au foyer du 19e", "du 3e étage"), not 12 euros.
BEFORE_ORDINAL: Final = words("du au le la dans l mon ma son sa")
AFTER_ORDINAL: Final = words("etage arrondissement arr arrdt")
# Counters that sit between a quantity and the product: "12 دانه سمبوسه", "12 حبه".
COUNTERS: Final = words("de d des du x دانه تا عدد حبه حبات ta3 dyal من ካብ ta")

TODAY: Final = words(
    """aujourdhui aujourd ajd auj ajourdhui aujourdui aujourd'hui today soir matin
    الیوم لیوم الیومه اللیله lyoum lyom elyoum lyouma امروز emroz imroz amroz ሎሚ"""
)
YESTERDAY: Final = words(
    """hier yesterday امس البارح امبارح البارحه لبارح lbare7 mbare7 lbar7 embare7 ams
    دیروز diroz dirooz ትማሊ"""
)
# A day before yesterday, or some days ago ("avant-hier", "il y a 3 jours", "أول أمس", "قبل
# يومين", "پریروز", "دو روز پیش", "ቅድሚ ትማሊ", "ቅድሚ ክልተ መዓልቲ"): not yesterday, and its
# number ("2 jours", "يومين") is no quantity and no price of the sale. One token stands for it.
EARLIER_DAY: Final = "<earlier>"
_SOME = r"(?:\S+ )?"  # a number or a number word, or none ("il y a quelques jours")
EARLIER: Final = re.compile(
    "|".join(
        (
            r"\bavant hier\b",
            rf"\b(?:il )?y a {_SOME}(?:jours?|jrs?)\b",
            r"\b(?:اول|قبل) (?:امس|البارح|البارحه|امبارح|لبارح)\b",
            r"\bامس الاول\b",
            rf"\b(?:قبل|من|هادی|هادا|هذا) {_SOME}(?:یومین|ایام|یوم)\b",
            r"\b(?:awal|awwal|aoual|qbel|9bel) (?:ams|lbare7|lbar7|mbare7)\b",
            r"\b(?:9bel|qbel|gbel|men|mn) (?:yomin|yoomin|youmin|yumin)\b",
            r"پری ?روز|\bpari ?ro+z\b|\bpari ?ruz\b",
            rf"\b{_SOME}روز (?:پیش|قبل)\b",
            rf"\b{_SOME}(?:roz|rooz|ruz) (?:pish|pesh|qabl|ghabl)\b",
            rf"ቅድሚ {_SOME}(?:ትማሊ|መዓልቲ|መዓልታት)",
            rf"\b(?:kdmi|qdmi|kidmi|qidmi) {_SOME}(?:tmali|timali|mealti|meálti)\b",
        )
    )
)
PRODUCTS: Final = words(
    """repas plat plats sandwich sandwichs gateau gateaux couscous tajine crepe crepes msemen
    samoussa samoussas sambusa bolani mantu injera robe robes sac sacs trousse trousses
    coussin coussins foulard foulards tablier tabliers boisson boissons the cafe jus
    vetements pochette pochettes
    وجبه وجبات اکله طبق اطباق صحن صحون کسکس حلویات کیک فطایر شنطه شنط فستان فساتین سندویش
    سندویتش ملوخیه غذا بولانی منتو اشک سمبوسه دامن لباس بکس کیف چای قابلی پلو
    ቦርሳ መግቢ እንጀራ ጸብሒ ሳምቡሳ ክዳን ቀሚሽ ሻሂ ቡን"""
)

# Past sales: a message with one of these is about a sale whatever else it says.
SOLD: Final = words(
    """vendu vendus vendue vendues vente ventes vendre encaisse recette
    بعت بعنا بیعت بعته بعتهم بعناه بعناهم bi3t ba3t b3t bi3na ba3na b3na
    فروختم فروختیم فروخته فروش forokhtam forokhtim frokhtem frokhtam forokhtom froxtam
    ሸጥኩ ሸይጠ ሸጥና ሸይጥና ተሸይጡ ሸጢና shetku shetkhu shetu shetna"""
)
# Money that is no sale's: borrowed, lent, owed, spent, rent, a price asked about ("c'est
# combien 10 euros ?", "شريت قماش ب 40 يورو", "کرایه خانه ۵۵۰ یورو", "ካብ ሓወይ 200 ዩሮ ተለቂሐ").
NOT_SOLD: Final = words(
    """emprunte empruntee emprunter emprunt prete preter pret dette dettes rembourser
    rembourse loyer loyers achete achetee acheter achat achats facture factures amende
    salaire combien coute coutent depense depenses
    تسلفت سلفت سلف سلفه قرض الکرا کرا الکراء کراء ایجار الایجار شریت اشتریت شرینا قدیش
    شحال بکم سعر فاتوره غرامه راتب دین chrit chrina 9dech chhal b9ach
    کرایه خریدم خریدیم خرید خرچ خرج چند قیمت معاش جریمه kharidam kharidim qarz kiraya chand
    ተለቂሐ ተለቂሓ ልቓሕ ክራይ ገዚአ ገዚኣ ዓዲገ ክንደይ ብኽንደይ ብክንደይ ዋጋ ደሞዝ ዕዳ ተለቓሕኩ
    gezie kray kndey"""
)

# Between the items of a list: "3 robes à 20€ et 2 sacs à 15€", "، و", "ከምኡውን".
SEPARATORS: Final = words(", + et و w wa o u and ከምኡውን ከምኡ")
