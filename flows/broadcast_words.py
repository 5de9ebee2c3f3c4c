"""The one word that stops broadcasts, and the one that starts them again, as people type
them in our four languages. Only a whole message counts ("stop", "STOP !", "بس کن"): a
sentence that contains the word is an ordinary message. Words compare folded
(flows/yes_no.py: lower case, no accents or Arabic marks, ی ک written ي ك).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from flows.yes_no import fold

BroadcastWord = Literal["stop", "start"]


def _words(*groups: str) -> frozenset[str]:
    return frozenset(fold(w) for group in groups for w in group.split(",")) - {""}


STOP = _words(
    # fr, and what French speakers type (also the English STOP that WhatsApp users know)
    "stop,stopp,arrête,arrete,arrêter,arrêtez,arrêt,arret,stop annonces,stop les annonces,"
    "désabonner,désabonnement,me désabonner,désinscrire,plus de messages,unsubscribe",
    # ar: MSA and dialects; Arabizi
    "توقف,توقّف,قف,أوقف,اوقف,ايقاف,إيقاف,بس,كفى,يكفي,وقف,وقّف,w9af,wgaf",
    # prs (Dari), also in Latin letters
    "بس کن,بس کنید,توقف,توقف کن,قطع کن,قطع کنید,دیگر نفرستید,bas kon,bas kunid",
    # ti (Tigrinya, Eritrean), also in Latin letters
    "ኣቋርጽ,ኣቋርጹ,ደው በል,ደው በሉ,ኣይትልኣኹ,aqwarts,aqwarits,dew bel",
)
START = _words(
    "start,reprendre,recommencer,réabonner,me réabonner,subscribe",
    "ابدأ,ابدا,إبدأ,استئناف,استأنف,ابدأ من جديد,ebda,ibda",
    "شروع,شروع کن,شروع کنید,دوباره بفرستید,shuru,shoru",
    "ጀምር,ጀምሩ,ቀጽል,ቀጽሉ,jemir,jemiru",
)


@lru_cache(maxsize=4096)
def broadcast_word(text: str) -> BroadcastWord | None:
    """ "stop" or "start" when the whole message is one of those words."""
    folded = fold(text)
    if folded in STOP:
        return "stop"
    if folded in START:
        return "start"
    return None
