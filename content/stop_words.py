"""The words that stop the weekly nudges and the broadcasts (one word stops both), and those
that start broadcasts again, as people type them in our four languages. The first stop word
of a language is the one the texts show. A whole message counts ("stop", "STOP !", "بس
کن"), or a sentence with a stop word and a word for the messages (MESSAGE_WORDS); the engine
compares words folded (flows/yes_no.py: lower case, no accents or
Arabic marks, ی ک written ي ك).
"""

from __future__ import annotations

STOP_WORDS: dict[str, tuple[str, ...]] = {
    # and what French speakers type (also the English STOP that WhatsApp users know)
    "fr": (
        "STOP",
        "stopp",
        "arrête",
        "arrete",
        "arrêter",
        "arrêtez",
        "arrêt",
        "arret",
        "stop annonces",
        "stop les annonces",
        "désabonner",
        "désabonnement",
        "me désabonner",
        "désinscrire",
        "plus de messages",
        "unsubscribe",
    ),
    # MSA and dialects; Arabizi
    "ar": (
        "توقف",
        "توقّف",
        "قف",
        "ستوب",
        "أوقف",
        "اوقف",
        "ايقاف",
        "إيقاف",
        "بس",
        "كفى",
        "يكفي",
        "وقف",
        "وقّف",
        "w9af",
        "wgaf",
    ),
    # Dari, also in Latin letters
    "prs": (
        "بس",
        "بس کن",
        "بس کنید",
        "توقف",
        "توقف کن",
        "ستاپ",
        "قطع کن",
        "قطع کنید",
        "دیگر نفرستید",
        "bas kon",
        "bas kunid",
    ),
    # Tigrinya (Eritrean), also in Latin letters
    "ti": (
        "ኣቋርጽ",
        "ኣቋርጹ",
        "ደው በል",
        "ደው በሉ",
        "ስቶፕ",
        "ኣይትልኣኹ",
        "aqwarts",
        "aqwarits",
        "dew bel",
    ),
}

# For someone who stopped broadcasts; for anyone else these are ordinary words.
START_WORDS: dict[str, tuple[str, ...]] = {
    "fr": ("start", "reprendre", "recommencer", "réabonner", "me réabonner", "subscribe"),
    "ar": ("ابدأ", "ابدا", "إبدأ", "استئناف", "استأنف", "ابدأ من جديد", "ebda", "ibda"),
    "prs": ("شروع", "شروع کن", "شروع کنید", "دوباره بفرستید", "shuru", "shoru"),
    "ti": ("ጀምር", "ጀምሩ", "ቀጽል", "ቀጽሉ", "jemir", "jemiru", "jemer", "jemeru", "jemr"),
}

# A sentence with a stop word and one of these ("stop les messages svp", "بس کن دیگه پیام
# نفرست") stops them as the word alone does: stopping is harmless, starting again one word.
# Not "rappel(s)": "stop rappels" is the sales reminders' keyword.
MESSAGE_WORDS: dict[str, tuple[str, ...]] = {
    "fr": ("messages", "message", "msg", "annonces", "annonce", "notifications", "notif", "pub"),
    "ar": ("رسائل", "الرسائل", "رسالة", "الرسالة", "رسايل", "مسجات", "إعلانات", "الإعلانات"),
    "prs": ("پیام", "پیامها", "پیام‌ها", "پیغام", "اعلان", "اعلان‌ها", "payam"),
    "ti": ("መልእኽቲ", "መልእኽትታት", "ምልክታታት", "ምልክታ", "melekti"),
}


def stop_word(lang: str) -> str:
    return STOP_WORDS.get(lang, STOP_WORDS["fr"])[0]
