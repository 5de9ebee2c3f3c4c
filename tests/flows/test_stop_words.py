"""Every word of the two lists that were merged into content/stop_words.py (the weekly
nudges' and the broadcasts') still stops both, in the language it was written for, at a
question waiting for an answer and with nothing waiting; the start words still start
broadcasts again for someone who stopped them."""

from __future__ import annotations

import pytest

from tests.flows.casebook import Case, Host, show

# The lists as they were before the merge, written out so that none is dropped unnoticed.
NUDGE_WORDS = {
    "fr": ("STOP", "arrete", "arrêter", "arrêt"),
    "ar": ("توقف", "قف", "ستوب"),
    "prs": ("بس", "توقف", "ستاپ"),
    "ti": ("ኣቋርጽ", "ደው በል", "ስቶፕ"),
}
BROADCAST_WORDS = {
    "fr": (
        "stop,stopp,arrête,arrete,arrêter,arrêtez,arrêt,arret,stop annonces,stop les annonces,"
        "désabonner,désabonnement,me désabonner,désinscrire,plus de messages,unsubscribe"
    ),
    "ar": "توقف,توقّف,قف,أوقف,اوقف,ايقاف,إيقاف,بس,كفى,يكفي,وقف,وقّف,w9af,wgaf",
    "prs": "بس کن,بس کنید,توقف,توقف کن,قطع کن,قطع کنید,دیگر نفرستید,bas kon,bas kunid",
    "ti": "ኣቋርጽ,ኣቋርጹ,ደው በል,ደው በሉ,ኣይትልኣኹ,aqwarts,aqwarits,dew bel",
}
START_WORDS = {
    "fr": "start,reprendre,recommencer,réabonner,me réabonner,subscribe",
    "ar": "ابدأ,ابدا,إبدأ,استئناف,استأنف,ابدأ من جديد,ebda,ibda",
    "prs": "شروع,شروع کن,شروع کنید,دوباره بفرستید,shuru,shoru",
    "ti": "ጀምር,ጀምሩ,ቀጽል,ቀጽሉ,jemir,jemiru",
}
OLD_STOPS = sorted(
    {(lang, w) for lang, words in NUDGE_WORDS.items() for w in words}
    | {(lang, w) for lang, words in BROADCAST_WORDS.items() for w in words.split(",")}
)
STARTS = [(lang, w) for lang, words in START_WORDS.items() for w in words.split(",")]
STOPPED_BOTH = [
    "flow stop",
    "nudges off",
    "broadcasts stop",
    "msg steps.nudge_stopped",
    "msg broadcasts.stopped",
]


def host(lang: str, session: dict[str, str] | None, stopped: bool = False) -> Host:
    spec = {
        "contact": {"lang": lang, "consent": True},
        "session": session,
        "lookup": {"nudges": "on", "broadcasts_stopped": "yes" if stopped else "no"},
    }
    return Host(Case("stop_words", None, spec))


def say(h: Host, text: str) -> list[str]:
    return [show(e) for e in h.send(text, None, None).events]


@pytest.mark.parametrize(("lang", "word"), OLD_STOPS)
def test_every_old_stop_word_stops_nudges_and_broadcasts(lang: str, word: str) -> None:
    waiting = host(lang, {"flow": "menu", "node": "main"})
    assert say(waiting, word) == STOPPED_BOTH
    assert waiting.session is None
    guarded = host(lang, {"flow": "my_data", "node": "consent"})  # needs an explicit answer
    assert say(guarded, f" {word.lower()} ! ") == STOPPED_BOTH
    assert say(host(lang, None), word) == STOPPED_BOTH


@pytest.mark.parametrize(("lang", "word"), STARTS)
def test_every_start_word_starts_broadcasts_again_once_stopped(lang: str, word: str) -> None:
    started = ["flow broadcasts_start", "broadcasts start", "msg broadcasts.started"]
    assert say(host(lang, None, stopped=True), word) == started
    assert "broadcasts start" not in say(host(lang, None), word)
