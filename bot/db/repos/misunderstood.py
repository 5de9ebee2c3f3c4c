"""Messages the bot did not understand, for facilitators to review: only those of contacts who
still consent are listed or exported; a review names the intent meant, out_of_scope, or
ignore (kept out of the training data: a name, a number, nonsense)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import contacts, identities, misunderstood
from nlu.types import INTENTS

IGNORE: Final = "ignore"
REVIEWS: Final = (*INTENTS, IGNORE)


@dataclass(frozen=True)
class Miss:
    id: int
    contact_id: int
    channel: str
    address: str  # the contact's identity on that channel (masked for staff when shown)
    lang: str
    text: str
    kind: str
    guess: str | None
    confidence: float | None
    created_at: datetime
    review: str | None
    reviewed_by: str | None


def _consented() -> ColumnElement[bool]:
    return misunderstood.c.contact_id.in_(
        select(contacts.c.id).where(contacts.c.consent.is_(True)).scalar_subquery()
    )


def _filter(status: str, lang: str | None) -> list[ColumnElement[bool]]:
    where = [_consented()]
    if status == "todo":
        where.append(misunderstood.c.review.is_(None))
    elif status == "done":
        where.append(misunderstood.c.review.is_not(None))
    if lang:
        where.append(misunderstood.c.lang == lang)
    return where


async def count(conn: AsyncConnection, *, status: str = "todo", lang: str | None = None) -> int:
    stmt = select(func.count()).select_from(misunderstood).where(and_(*_filter(status, lang)))
    return int((await conn.execute(stmt)).scalar_one())


async def listing(
    conn: AsyncConnection,
    *,
    status: str = "todo",
    lang: str | None = None,
    contact_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Miss]:
    """Newest first; with `contact_id`, that contact's only (any status)."""
    where = _filter("all" if contact_id is not None else status, lang)
    if contact_id is not None:
        where.append(misunderstood.c.contact_id == contact_id)
    address = (
        select(identities.c.address)
        .where(
            identities.c.contact_id == misunderstood.c.contact_id,
            identities.c.channel == misunderstood.c.channel,
        )
        .limit(1)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(misunderstood, address.label("address"))
        .where(and_(*where))
        .order_by(misunderstood.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        Miss(
            r.id,
            r.contact_id,
            r.channel,
            r.address or "",
            r.lang,
            r.text,
            r.kind,
            r.guess,
            r.confidence,
            r.created_at,
            r.review,
            r.reviewed_by,
        )
        for r in rows
    ]


async def review(
    conn: AsyncConnection, miss_id: int, value: str | None, by: str, now: datetime
) -> bool:
    """Set (or, with None, clear) a review; False when no such message is listed."""
    result = await conn.execute(
        update(misunderstood)
        .where(misunderstood.c.id == miss_id, _consented())
        .values(review=value, reviewed_by=by if value else None, reviewed_at=now if value else None)
    )
    return bool(result.rowcount)


async def reviewed(conn: AsyncConnection) -> list[tuple[str, str, str]]:
    """(language, intent, text) of every reviewed message to learn from (not ignored), from
    contacts who still consent; oldest first."""
    rows = await conn.execute(
        select(misunderstood.c.lang, misunderstood.c.review, misunderstood.c.text)
        .where(
            misunderstood.c.review.is_not(None),
            misunderstood.c.review != IGNORE,
            _consented(),
        )
        .order_by(misunderstood.c.id)
    )
    return [(r[0], r[1], r[2]) for r in rows]
