"""The broadcast service's refusals, said in French for the panel. The service speaks the
command line's English (`python -m bot broadcast …`); a facilitator reads French. A message
not listed here is shown as it is (better English than nothing)."""

from __future__ import annotations

import re
from typing import Final

from bot.reports.counts import LANG_NAMES_FR

_LANG = r"(?P<lang>fr|ar|prs|ti)"

# (the English message, whole; its French with the named groups put back)
_SAID: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern + r"\Z", re.S), french)
    for pattern, french in (
        (rf"the {_LANG} text is empty", "Le texte en {lang} est vide."),
        (
            rf"the {_LANG} text has (?P<n>\d+) characters \(at most (?P<max>\d+)\)",
            "Le texte en {lang} a {n} caractères : {max} au plus.",
        ),
        (r"that time is in the past", "Cette heure est déjà passée."),
        (
            r"(?P<at>[\d\- :]+) does not exist in .* \(clocks go forward\)",
            "{at} n'existe pas (on avance l'heure cette nuit-là) : choisissez une autre heure.",
        ),
        (
            r"(?P<at>[\d\- :]+) happens twice in .* \(clocks go back\)",
            "{at} a lieu deux fois (on recule l'heure cette nuit-là) : choisissez une autre heure.",
        ),
        (
            r"(?P<day>[\d\-]+): a date between \d+ and \d+",
            "Choisissez une date entre 2000 et 2099.",
        ),
        (r".* is not a time as YYYY-MM-DD HH:MM", "Choisissez une date et une heure."),
        (r"nothing is named (?P<what>.*)", "Aucun groupe ne s'appelle ainsi : {what}."),
        (r"broadcast (?P<n>\d+) is already sent", "La diffusion {n} est déjà partie."),
        (r"broadcast (?P<n>\d+) is (?P<state>\w+)", "La diffusion {n} est {state}."),
        (r"no broadcast (?P<n>\d+)", "La diffusion {n} n'existe pas."),
        (r"a reviewed French text comes first", "Il faut d'abord un texte en français relu."),
        (rf"no {_LANG} draft to review", "Pas de brouillon en {lang} à relire."),
        (
            rf"{_LANG} cannot be sent the French text",
            "Le texte français ne peut pas partir en {lang}.",
        ),
        (
            rf"{_LANG} has its own text: it cannot also get the French",
            "Le texte en {lang} existe : cette langue ne reçoit pas aussi le français.",
        ),
        (
            rf"a medium for {_LANG} but no (?P=lang) text",
            "Une image ou un son en {lang}, mais pas de texte en {lang}.",
        ),
        (
            r"'(?P<ref>.*)' is neither an https URL nor a Telegram file id",
            "« {ref} » n'est ni une adresse https, ni un fichier Telegram.",
        ),
    )
)

STATES: Final = {
    "draft": "un brouillon",
    "scheduled": "programmée",
    "sending": "en cours d'envoi",
    "sent": "partie",
    "cancelled": "annulée",
}


def in_french(message: str) -> str:
    for pattern, french in _SAID:
        found = pattern.match(message)
        if found is not None:
            values = found.groupdict()
            if "lang" in values:
                values["lang"] = LANG_NAMES_FR.get(values["lang"], values["lang"])
            if "state" in values:
                values["state"] = STATES.get(values["state"], values["state"])
            return french.format(**values)
    return message


CHANNEL_NAMES: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp"}


def audience_words(described: str) -> str:
    """An audience as `Audience.describe` types it ("lang=ar channel=whatsapp"), or
    "tout le monde" for everyone."""
    return "tout le monde" if described == "everyone" else described


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)
