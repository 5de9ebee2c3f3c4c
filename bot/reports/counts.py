"""The counts every figure is made of: per business day, channel, language and measure.

People (first contacts, consents) come from the live contacts plus the anonymous counts of
erased ones (bot/db/repos/privacy.py adds them at erasure); messages, misunderstandings and
requests for a person from the daily rows the dispatcher keeps in its transaction. The
console (tests, `python -m bot chat`) is never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.repos.activity import MEASURES as ACTIVITY
from bot.db.tables import activity, contacts, erased_people, identities
from bot.reports.period import Period

COUNTED_CHANNELS: Final = ("telegram", "whatsapp")
CHANNEL_NAMES: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp"}
REPORT_LANGS: Final = ("fr", "ar", "prs", "ti", "und")
LANG_NAMES_FR: Final = {
    "fr": "français",
    "ar": "arabe",
    "prs": "dari",
    "ti": "tigrinya",
    "und": "langue non choisie",
}
PEOPLE: Final = ("people", "consented")
MEASURES: Final = (*PEOPLE, *ACTIVITY)
Dim = Literal["lang", "channel"]
Key = tuple[date, str, str, str]  # day, channel, lang, measure


def lang_key(lang: str) -> str:
    return lang if lang in REPORT_LANGS else "und"


@dataclass(frozen=True)
class Counts:
    """Counts by (day, channel, language, measure), for one period."""

    period: Period
    cells: Mapping[Key, int] = field(default_factory=dict)

    def where(self, *, lang: str | None = None, channel: str | None = None) -> Counts:
        return Counts(
            self.period,
            {
                k: n
                for k, n in self.cells.items()
                if (lang is None or k[2] == lang) and (channel is None or k[1] == channel)
            },
        )

    def of(self, measure: str) -> list[tuple[Key, int]]:
        """The cells of one measure (grouped once: every figure asks for its own)."""
        grouped: dict[str, list[tuple[Key, int]]] | None = self.__dict__.get("_grouped")
        if grouped is None:
            grouped = {}
            for k, n in self.cells.items():
                grouped.setdefault(k[3], []).append((k, n))
            self.__dict__["_grouped"] = grouped
        return grouped.get(measure, [])

    def total(self, measure: str) -> int:
        return sum(n for _, n in self.of(measure))

    def by(self, measure: str, dim: Dim) -> dict[str, int]:
        out: Counter[str] = Counter()
        for (_, channel, lang, _), n in self.of(measure):
            out[channel if dim == "channel" else lang] += n
        return dict(out)

    def by_day(self, measure: str, dim: Dim | None = None) -> dict[tuple[date, str], int]:
        """(day, language or channel, or "" without `dim`) -> count."""
        out: Counter[tuple[date, str]] = Counter()
        for k, n in self.of(measure):
            part = "" if dim is None else (k[1] if dim == "channel" else k[2])
            out[(k[0], part)] += n
        return dict(out)


async def read_counts(conn: AsyncConnection, period: Period, tz: ZoneInfo) -> Counts:
    cells: Counter[Key] = Counter()
    first, after = period.bounds(tz)
    # Live contacts: their first contact and consent today, their channel of first contact.
    channel = func.min(identities.c.channel)
    rows = await conn.execute(
        select(contacts.c.created_at, contacts.c.lang, contacts.c.consent, channel)
        .join(identities, identities.c.contact_id == contacts.c.id)
        .where(
            contacts.c.created_at >= first,
            contacts.c.created_at < after,
            identities.c.channel.in_(COUNTED_CHANNELS),
        )
        .group_by(contacts.c.id, contacts.c.created_at, contacts.c.lang, contacts.c.consent)
    )
    for created_at, lang, consent, ch in rows:
        day = created_at.astimezone(tz).date()
        cells[(day, ch, lang_key(lang), "people")] += 1
        if consent:
            cells[(day, ch, lang_key(lang), "consented")] += 1
    erased = await conn.execute(
        select(
            erased_people.c.day,
            erased_people.c.channel,
            erased_people.c.lang,
            erased_people.c.people,
            erased_people.c.consented,
        ).where(
            erased_people.c.day.between(period.start, period.end),
            erased_people.c.channel.in_(COUNTED_CHANNELS),
        )
    )
    for day, ch, lang, people, consented in erased:
        cells[(day, ch, lang_key(lang), "people")] += people
        cells[(day, ch, lang_key(lang), "consented")] += consented
    sums = [func.sum(getattr(activity.c, m)) for m in ACTIVITY]
    active = await conn.execute(
        select(activity.c.day, activity.c.channel, activity.c.lang, *sums)
        .where(
            activity.c.day.between(period.start, period.end),
            activity.c.channel.in_(COUNTED_CHANNELS),
        )
        .group_by(activity.c.day, activity.c.channel, activity.c.lang)
    )
    for day, ch, lang, *values in active:
        for measure, n in zip(ACTIVITY, values, strict=True):
            if n:
                cells[(day, ch, lang_key(lang), measure)] += int(n)
    return Counts(period, {k: n for k, n in cells.items() if n})


async def people_to_date(
    conn: AsyncConnection,
    last: date,
    tz: ZoneInfo,
    *,
    lang: str | None = None,
    channel: str | None = None,
) -> int:
    """Everyone reached from the start up to `last` (included), erased people too."""
    _, after = Period(last, last).bounds(tz)
    channels = (channel,) if channel else COUNTED_CHANNELS
    contact_ids = (
        select(identities.c.contact_id)
        .where(identities.c.channel.in_(channels))
        .distinct()
        .scalar_subquery()
    )
    live = (
        select(func.count())
        .select_from(contacts)
        .where(contacts.c.created_at < after, contacts.c.id.in_(contact_ids))
    )
    gone = select(func.coalesce(func.sum(erased_people.c.people), 0)).where(
        erased_people.c.day <= last, erased_people.c.channel.in_(channels)
    )
    if lang is not None:
        live = live.where(_lang_is(contacts.c.lang, lang))
        gone = gone.where(_lang_is(erased_people.c.lang, lang))
    return int((await conn.execute(live)).scalar_one()) + int(
        (await conn.execute(gone)).scalar_one()
    )


def _lang_is(column, lang: str):  # type: ignore[no-untyped-def]
    """`column` is `lang`, where "und" also stands for any language we do not speak."""
    if lang == "und":
        return column.not_in([x for x in REPORT_LANGS if x != "und"])
    return column == lang


def merge(parts: Iterable[Counts], period: Period) -> Counts:
    cells: Counter[Key] = Counter()
    for part in parts:
        cells.update(part.cells)
    return Counts(period, dict(cells))
