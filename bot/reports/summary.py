"""A contact's digest for staff, in French: language, channels, consent, activity, open
requests, and the questions the bot did not understand with a French machine translation
(marked as such) — or the original text with its language named when no model translates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.repos import misunderstood as misses_repo
from bot.db.tables import contacts, identities, messages, tickets
from bot.reports.counts import LANG_NAMES_FR
from content.translate import TranslationError, Translator, translate_async

QUESTIONS: Final = 10  # the latest ones; the review page lists them all
REASONS: Final = {
    "voice_message": "a envoyé un message vocal",
    "user_request": "a demandé à parler à une personne",
}


@dataclass(frozen=True)
class Identity:
    channel: str
    address: str


@dataclass(frozen=True)
class Request:
    id: int
    reason: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    lang_name: str
    created_at: datetime
    french: str | None  # a machine translation, None when none could be made
    why_not: str = ""  # why there is no translation


@dataclass(frozen=True)
class ContactSummary:
    id: int
    lang: str
    lang_name: str
    consent: bool | None
    created_at: datetime
    last_seen_at: datetime
    identities: tuple[Identity, ...]
    messages_in: int
    messages_out: int
    open_requests: tuple[Request, ...]
    closed_requests: int
    questions: tuple[Question, ...] = ()

    @property
    def consent_text(self) -> str:
        if self.consent is None:
            return "pas encore demandé ou sans réponse"
        return "oui" if self.consent else "non (rien n'est gardé au-delà de la conversation)"


async def read_summary(conn: AsyncConnection, contact_id: int) -> ContactSummary | None:
    row = (await conn.execute(select(contacts).where(contacts.c.id == contact_id))).first()
    if row is None:
        return None
    found = await conn.execute(
        select(identities.c.channel, identities.c.address)
        .where(identities.c.contact_id == contact_id)
        .order_by(identities.c.id)
    )
    counted = await conn.execute(
        select(messages.c.direction, func.count())
        .where(messages.c.contact_id == contact_id)
        .group_by(messages.c.direction)
    )
    by_direction = {d: int(n) for d, n in counted}
    requests = await conn.execute(
        select(tickets.c.id, tickets.c.reason, tickets.c.status, tickets.c.created_at)
        .where(tickets.c.contact_id == contact_id)
        .order_by(tickets.c.id.desc())
    )
    open_requests, closed = [], 0
    for r in requests:
        if r.status == "closed":
            closed += 1
        else:
            open_requests.append(
                Request(r.id, REASONS.get(r.reason, r.reason), r.status, r.created_at)
            )
    return ContactSummary(
        row.id,
        row.lang,
        LANG_NAMES_FR.get(row.lang, row.lang),
        row.consent,
        row.created_at,
        row.last_seen_at,
        tuple(Identity(c, a) for c, a in found),
        by_direction.get("in", 0),
        by_direction.get("out", 0),
        tuple(open_requests),
        closed,
    )


async def questions(
    conn: AsyncConnection, contact_id: int, translator: Translator
) -> tuple[Question, ...]:
    """The contact's latest questions the bot did not understand (only kept with consent),
    each with a French machine translation when a model makes one."""
    misses = await misses_repo.listing(conn, contact_id=contact_id, limit=QUESTIONS)
    out = []
    for m in misses:
        name = LANG_NAMES_FR.get(m.lang, m.lang)
        french, why = None, ""
        if m.lang == "fr":
            why = "écrit en français"
        elif m.lang not in LANG_NAMES_FR or m.lang == "und":
            why = "langue non reconnue"
        else:
            try:
                french = await translate_async(translator, m.text, m.lang, "fr")
            except TranslationError:
                why = f"pas de modèle de traduction {_of(name)} vers le français"
        out.append(Question(m.text, m.lang, name, m.created_at, french, why))
    return tuple(out)


def _of(name: str) -> str:
    """'de l'arabe', 'du dari', 'du tigrinya'."""
    return f"de l'{name}" if name[:1] in "aeiouy" else f"du {name}"
