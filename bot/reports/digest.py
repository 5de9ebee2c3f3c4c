"""What happened on one day (yesterday, by default), for staff: the day's counts, the requests
to talk to a person that are still open, the people whose questions the bot did not
understand. As a page (identities masked unless the role needs them) and as an e-mail (always
masked: a mailbox is not the panel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import contacts, identities, misunderstood, tickets
from bot.reports.counts import LANG_NAMES_FR, REPORT_LANGS, read_counts
from bot.reports.masks import masked
from bot.reports.period import Period, french_date
from bot.reports.summary import REASONS
from bot.reports.tables import Table

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class OpenRequest:
    id: int
    contact_id: int
    channel: str
    address: str
    lang: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class Puzzled:
    """A person some of whose messages the bot did not understand that day."""

    contact_id: int
    channel: str
    address: str
    lang: str
    count: int


@dataclass(frozen=True)
class Digest:
    day: date
    table: Table  # the day's counts by language
    requests: tuple[OpenRequest, ...]
    puzzled: tuple[Puzzled, ...]

    @property
    def title(self) -> str:
        return f"Migracoop : la journée du {WEEKDAYS[self.day.weekday()]} {french_date(self.day)}"

    def text(self) -> str:
        """The e-mail's body, in French; identities masked."""
        lines = [self.title, ""]
        header = self.table.header
        for label, cells in self.table.grid():
            parts = ", ".join(
                f"{h} {c}" for h, c in zip(header[1:], cells, strict=True) if c != "0"
            )
            lines.append(f"- {label} : {parts or 'aucun'}")
        lines += ["", f"Demandes à parler à une personne encore ouvertes : {len(self.requests)}"]
        for r in self.requests:
            lines.append(
                f"- n° {r.id}, {masked(r.channel, r.address)}, {LANG_NAMES_FR.get(r.lang, r.lang)}"
                f", {r.reason}, à {r.created_at:%H:%M} UTC"
            )
        lines += ["", f"Personnes que le bot n'a pas comprises : {len(self.puzzled)}"]
        for p in self.puzzled:
            lines.append(
                f"- personne n° {p.contact_id} ({masked(p.channel, p.address)}, "
                f"{LANG_NAMES_FR.get(p.lang, p.lang)}) : {p.count} message"
                f"{'s' if p.count > 1 else ''}"
            )
        lines += ["", "Chiffres anonymes : un nombre de 1 à 4 s'affiche « < 5 »."]
        return "\n".join(lines) + "\n"


async def read_digest(conn: AsyncConnection, day: date, tz: ZoneInfo) -> Digest:
    period = Period(day, day)
    counts = await read_counts(conn, period, tz)
    measures = (
        ("people", "Nouvelles personnes"),
        ("consented", "dont consentement donné"),
        ("messages_in", "Messages reçus"),
        ("not_understood", "Messages non compris"),
        ("handovers", "Demandes à parler à une personne"),
        ("modules_done", "Modules terminés"),
        ("steps_done", "Démarches faites"),
        ("rsvp_yes", "Réponses « je viens » à un atelier"),
    )
    table = Table(
        "day",
        "La journée en chiffres",
        "",
        tuple(LANG_NAMES_FR[k] for k in REPORT_LANGS),
        tuple(
            (label, tuple(counts.by(m, "lang").get(k, 0) for k in REPORT_LANGS))
            for m, label in measures
        ),
        keys=REPORT_LANGS,
        total_row=False,
    )
    first, after = period.bounds(tz)
    address = (
        select(identities.c.channel, identities.c.address, identities.c.contact_id)
        .order_by(identities.c.id)
        .subquery()
    )
    rows = await conn.execute(
        select(
            tickets.c.id,
            tickets.c.contact_id,
            tickets.c.reason,
            tickets.c.created_at,
            contacts.c.lang,
            address.c.channel,
            address.c.address,
        )
        .join(contacts, contacts.c.id == tickets.c.contact_id)
        .join(address, address.c.contact_id == tickets.c.contact_id)
        .where(
            tickets.c.created_at >= first,
            tickets.c.created_at < after,
            tickets.c.status != "closed",
        )
        .order_by(tickets.c.id)
    )
    seen: set[int] = set()
    requests = []
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            requests.append(
                OpenRequest(
                    r.id,
                    r.contact_id,
                    r.channel,
                    r.address,
                    r.lang,
                    REASONS.get(r.reason, r.reason),
                    r.created_at,
                )
            )
    puzzled_rows = await conn.execute(
        select(misunderstood.c.contact_id, misunderstood.c.channel, contacts.c.lang, func.count())
        .join(contacts, contacts.c.id == misunderstood.c.contact_id)
        .where(
            misunderstood.c.created_at >= first,
            misunderstood.c.created_at < after,
            contacts.c.consent.is_(True),
        )
        .group_by(misunderstood.c.contact_id, misunderstood.c.channel, contacts.c.lang)
        .order_by(misunderstood.c.contact_id)
    )
    puzzled = []
    for cid, channel, lang, n in puzzled_rows:
        found = await conn.execute(
            select(identities.c.address)
            .where(identities.c.contact_id == cid, identities.c.channel == channel)
            .limit(1)
        )
        puzzled.append(Puzzled(cid, channel, found.scalar() or "", lang, int(n)))
    return Digest(day, table, tuple(requests), tuple(puzzled))
