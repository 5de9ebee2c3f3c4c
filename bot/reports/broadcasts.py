"""Broadcast reach for the dashboard: the broadcasts that started in a period, their
recipients counted by how far their message got (as the broadcast runner last synced the
statuses from the outbox), of the language and channel filtered on. An erased contact's
recipient row stays without them (language and channel only): still counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import broadcasts, recipients
from bot.reports.counts import COUNTED_CHANNELS, lang_is
from bot.reports.period import Period

# (stage, its French name, the recipient statuses in it): each recipient in one stage, the
# furthest its message got, so that the stages add up to the recipients.
STAGES: Final = (
    ("waiting", "Pas encore partis", ("waiting", "queued")),
    ("sent", "Envoyés, sans nouvelle de réception", ("sent",)),
    ("delivered", "Reçus, pas encore lus", ("delivered",)),
    ("read", "Lus", ("read",)),
    ("failed", "Échec", ("failed",)),
    ("needs_template", "Modèle WhatsApp manquant", ("needs_template",)),
    ("not_sent", "Non envoyés (sortis du public, annulés)", ("skipped", "cancelled")),
)
STAGE_OF: Final = {status: stage for stage, _, statuses in STAGES for status in statuses}


@dataclass(frozen=True, slots=True)
class SentBroadcast:
    """One broadcast that started sending in the period, and its recipients per stage."""

    id: int
    started_on: date  # in TIMEZONE
    stages: Mapping[str, int] = field(default_factory=dict)


async def read_broadcasts(
    conn: AsyncConnection,
    period: Period,
    tz: ZoneInfo,
    *,
    lang: str | None = None,
    channel: str | None = None,
) -> tuple[SentBroadcast, ...]:
    """Broadcasts whose sending started in the period (drafts and broadcasts cancelled
    before they started have no recipients who got anything), in the order they started;
    their recipients of one language and one channel when given, summed by the database."""
    first, after = period.bounds(tz)
    started = (
        await conn.execute(
            select(broadcasts.c.id, broadcasts.c.started_at)
            .where(broadcasts.c.started_at >= first, broadcasts.c.started_at < after)
            .order_by(broadcasts.c.started_at, broadcasts.c.id)
        )
    ).all()
    if not started:
        return ()
    cells: dict[int, Counter[str]] = {b.id: Counter() for b in started}
    r = recipients.c
    chosen = select(r.broadcast_id, r.status, func.count()).where(
        r.broadcast_id.in_(list(cells)),
        r.channel.in_((channel,) if channel else COUNTED_CHANNELS),
    )
    if lang is not None:
        chosen = chosen.where(lang_is(r.lang, lang))
    for broadcast_id, status, n in await conn.execute(chosen.group_by(r.broadcast_id, r.status)):
        stage = STAGE_OF.get(status)
        if stage is not None:
            cells[broadcast_id][stage] += int(n)
    return tuple(
        SentBroadcast(b.id, b.started_at.astimezone(tz).date(), dict(cells[b.id])) for b in started
    )
