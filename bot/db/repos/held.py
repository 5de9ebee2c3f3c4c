"""Messages the outbox holds: WhatsApp outside the 24-hour window with no template to carry
them. The admin lists them with why, and with the request a held answer belongs to; a
person's answer goes out once its addressee writes again (the window is open again)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, update

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


def release_answers(conn: Connection, contact_ids: Collection[int], now: datetime) -> int:
    """The held answers of a person from Migracoop to these contacts, who just wrote: due
    again now, inside the window their message opened. Held reminders and broadcasts stay
    held: their moment has passed. Returns how many were released."""
    if not contact_ids:
        return 0
    answers = select(replies.c.outbox_id).where(replies.c.outbox_id.is_not(None))
    done = conn.execute(
        update(outbox)
        .where(
            outbox.c.status == HELD,
            outbox.c.contact_id.in_(list(contact_ids)),
            outbox.c.id.in_(answers),
        )
        .values(status="pending", next_attempt_at=now, inbound_at=now, last_error=None)
    )
    return int(done.rowcount or 0)
