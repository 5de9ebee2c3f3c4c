"""Messages the outbox holds and will not send by itself: WhatsApp outside the 24-hour
window with no template to carry them. The admin lists them with why, and with the
request a held answer belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, literal_column, select

from bot.db.tables import outbox, replies
from bot.delivery.payload import Payload

# A literal, as the partial index's condition is written (see bot/db/models/delivery.py).
HELD: Any = literal_column("'held'")


@dataclass(frozen=True, slots=True)
class HeldMessage:
    id: int
    contact_id: int | None
    channel: str
    address: str
    purpose: str  # reply, reminder, nudge…
    text: str
    why: str
    created_at: datetime
    request_id: int | None  # the request this answers, when it is a person's answer


def count_held(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.status == HELD)
        ).scalar_one()
    )


def held_messages(conn: Connection, *, limit: int, offset: int = 0) -> list[HeldMessage]:
    """Held messages, the newest first."""
    rows = conn.execute(
        select(outbox, replies.c.ticket_id)
        .outerjoin(replies, replies.c.outbox_id == outbox.c.id)
        .where(outbox.c.status == HELD)
        .order_by(outbox.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        HeldMessage(
            r.id,
            r.contact_id,
            r.channel,
            r.address,
            r.purpose,
            Payload.from_json(r.payload).text,
            r.last_error or "held",
            r.created_at,
            r.ticket_id,
        )
        for r in rows
    ]
