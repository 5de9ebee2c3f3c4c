"""The counts every figure is made of: per business day (or week, or month: summed by the
database per bucket of the page's grain), channel, language and measure.

People (first contacts, consents) come from the live contacts plus the anonymous counts of
erased ones (bot/db/repos/privacy.py adds them at erasure); messages, misunderstandings and
requests for a person from the daily rows the dispatcher keeps in its transaction. The
console (tests, `python -m bot chat`) is never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.repos.activity import MEASURES as ACTIVITY
from bot.db.tables import activity, contacts, erased_people, identities
from bot.reports.period import Grain, Period

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
    """Counts by (day, channel, language, measure), for one period; the day is a bucket's
    first day when read by week or month."""

    period: Period
    cells: Mapping[Key, int] = field(default_factory=dict)

    def where(self, *, lang: str | None = None, channel: str | None = None) -> Counts:
        if lang is None and channel is None:
            return self  # no copy of a year's cells
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


async def read_counts(
    conn: AsyncConnection, period: Period, tz: ZoneInfo, *, grain: Grain | None = "day"
) -> Counts:
    """The period's counts by channel, language and measure, summed by the database per
    bucket of `grain` (each cell on its bucket's first day: `bucket(day, grain)`), or
    for the whole period without a grain (each cell on the period's first day). A year by
    week is a few hundred rows, not one per person and per day."""
    starts = _starts(period, grain)
    cells: dict[Key, int] = {}

    def add(index: int | None, channel: str, lang: str, measure: str, n: int) -> None:
        if n:
            key = (starts[index or 0], channel, lang_key(lang), measure)
            cells[key] = cells.get(key, 0) + n

    first, after = period.bounds(tz)
    # Live contacts: their first contact and consent today, their channel of first contact.
    per_contact = (
        select(
            contacts.c.created_at,
            contacts.c.lang,
            contacts.c.consent,
            func.min(identities.c.channel).label("channel"),
        )
        .join(identities, identities.c.contact_id == contacts.c.id)
        .where(
            contacts.c.created_at >= first,
            contacts.c.created_at < after,
            identities.c.channel.in_(COUNTED_CHANNELS),
        )
        .group_by(contacts.c.id, contacts.c.created_at, contacts.c.lang, contacts.c.consent)
        .subquery()
    )
    moments = [Period(day, day).bounds(tz)[0] for day in starts]
    slot = _slot(per_contact.c.created_at, moments)
    them = per_contact.c
    for index, ch, lang, consent, n in await conn.execute(
        select(slot, them.channel, them.lang, them.consent, func.count()).group_by(
            slot, them.channel, them.lang, them.consent
        )
    ):
        add(index, ch, lang, "people", int(n))
        add(index, ch, lang, "consented", int(n) if consent else 0)
    e = erased_people.c
    slot = _slot(e.day, starts)
    for index, ch, lang, people, consented in await conn.execute(
        select(slot, e.channel, e.lang, func.sum(e.people), func.sum(e.consented))
        .where(e.day.between(period.start, period.end), e.channel.in_(COUNTED_CHANNELS))
        .group_by(slot, e.channel, e.lang)
    ):
        add(index, ch, lang, "people", int(people))
        add(index, ch, lang, "consented", int(consented))
    a = activity.c
    slot = _slot(a.day, starts)
    sums = [func.sum(getattr(a, m)) for m in ACTIVITY]
    for index, ch, lang, *values in await conn.execute(
        select(slot, a.channel, a.lang, *sums)
        .where(a.day.between(period.start, period.end), a.channel.in_(COUNTED_CHANNELS))
        .group_by(slot, a.channel, a.lang)
    ):
        for measure, n in zip(ACTIVITY, values, strict=True):
            if n:
                add(index, ch, lang, measure, int(n))
    return Counts(period, cells)


def _starts(period: Period, grain: Grain | None) -> list[date]:
    """The first day of each bucket of the period (its first day alone without a grain)."""
    return [period.start] if grain is None else period.buckets(grain)


def _slot(column: ColumnElement[Any], bounds: Sequence[object]) -> ColumnElement[Any]:
    """The index of the bucket a value falls in, given each bucket's first value (dates or
    UTC moments, in order; rows before the second bucket are in the first)."""
    if len(bounds) < 2:
        return literal(0)
    return case(*((column < bound, i) for i, bound in enumerate(bounds[1:])), else_=len(bounds) - 1)


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
        live = live.where(lang_is(contacts.c.lang, lang))
        gone = gone.where(lang_is(erased_people.c.lang, lang))
    return int((await conn.execute(live)).scalar_one()) + int(
        (await conn.execute(gone)).scalar_one()
    )


def lang_is(column, lang: str):  # type: ignore[no-untyped-def]
    """`column` is `lang`, where "und" also stands for any language we do not speak."""
    if lang == "und":
        return column.not_in([x for x in REPORT_LANGS if x != "und"])
    return column == lang


def merge(parts: Iterable[Counts], period: Period) -> Counts:
    cells: Counter[Key] = Counter()
    for part in parts:
        cells.update(part.cells)
    return Counts(period, dict(cells))
