""""My data" and retention: what is stored about a contact, its export, and its erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.models import (
    ChannelIdentity,
    Contact,
    HandoverTicket,
    MessageLog,
    Outbox,
    ProcessedInbound,
    Sale,
)

contacts = Contact.__table__
identities = ChannelIdentity.__table__
messages = MessageLog.__table__
sales = Sale.__table__
tickets = HandoverTicket.__table__
outbox = Outbox.__table__
processed = ProcessedInbound.__table__


@dataclass(frozen=True)
class StoredData:
    channels: tuple[str, ...]
    messages: int
    answers: dict[str, Any]
    sales: int
    open_requests: int


async def stored_data(conn: AsyncConnection, contact_id: int, fields: dict[str, Any]) -> StoredData:
    channels = tuple((await conn.execute(
        select(identities.c.channel).where(identities.c.contact_id == contact_id)
    )).scalars())
    n_messages = (await conn.execute(
        select(func.count()).select_from(messages).where(messages.c.contact_id == contact_id)
    )).scalar_one()
    n_sales = (await conn.execute(
        select(func.count()).select_from(sales).where(sales.c.contact_id == contact_id)
    )).scalar_one()
    n_open = (await conn.execute(
        select(func.count()).select_from(tickets)
        .where(tickets.c.contact_id == contact_id, tickets.c.status == "open")
    )).scalar_one()
    return StoredData(channels, n_messages, dict(fields), n_sales, n_open)


async def message_history(
    conn: AsyncConnection, contact_id: int, limit: int = 500
) -> list[tuple[datetime, str, str]]:
    rows = await conn.execute(
        select(messages.c.created_at, messages.c.direction, messages.c.text)
        .where(messages.c.contact_id == contact_id)
        .order_by(messages.c.id.desc()).limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows][::-1]


async def erase_contact(conn: AsyncConnection, contact_id: int) -> None:
    """Erase the contact, identities, messages, answers, requests; sales stay, anonymous."""
    await conn.execute(update(sales).where(sales.c.contact_id == contact_id).values(contact_id=None))
    # Pending replies (such as "your data is deleted") still go out; the rest is erased.
    await conn.execute(delete(outbox).where(outbox.c.contact_id == contact_id,
                                            outbox.c.status.not_in(("pending", "sending"))))
    await conn.execute(update(outbox).where(outbox.c.contact_id == contact_id)
                       .values(contact_id=None))
    for table in (messages, tickets, identities):
        await conn.execute(delete(table).where(table.c.contact_id == contact_id))
    await conn.execute(delete(contacts).where(contacts.c.id == contact_id))


async def purge_inactive(conn: AsyncConnection, *, now: datetime, retention_days: int) -> int:
    """Erase contacts silent for longer than the retention period; return how many."""
    cutoff = now - timedelta(days=retention_days)
    ids = list((await conn.execute(
        select(contacts.c.id).where(contacts.c.last_seen_at < cutoff)
    )).scalars())
    for contact_id in ids:
        await erase_contact(conn, contact_id)
    # Delivered messages and old dedupe keys are not needed for long either.
    await conn.execute(delete(outbox).where(outbox.c.status.in_(("sent", "failed")),
                                            outbox.c.created_at < now - timedelta(days=30)))
    await conn.execute(delete(processed).where(processed.c.processed_at < now - timedelta(days=7)))
    return len(ids)
