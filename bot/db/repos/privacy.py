""" "My data" and retention: what is stored about a contact, its export, and its erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from bot.db.base import utcnow
from bot.db.repos.broadcasts import forget_contact
from bot.db.repos.conversations import open_tickets
from bot.db.tables import (
    contacts,
    identities,
    members,
    messages,
    outbox,
    processed,
    sales,
    tickets,
)


@dataclass(frozen=True)
class StoredData:
    channels: tuple[str, ...]
    messages: int
    answers: dict[str, Any]
    sales: int
    open_requests: int


def stored_data(conn: Connection, contact_id: int, fields: dict[str, Any]) -> StoredData:
    channels = tuple(
        (
            conn.execute(select(identities.c.channel).where(identities.c.contact_id == contact_id))
        ).scalars()
    )
    n_messages = (
        conn.execute(
            select(func.count()).select_from(messages).where(messages.c.contact_id == contact_id)
        )
    ).scalar_one()
    n_sales = (
        conn.execute(
            select(func.count())
            .select_from(sales.join(members, members.c.id == sales.c.member_id))
            .where(members.c.contact_id == contact_id, sales.c.kind != "closing")
        )
    ).scalar_one()
    n_open = open_tickets(conn, contact_id)
    return StoredData(channels, n_messages, dict(fields), n_sales, n_open)


def message_history(
    conn: Connection, contact_id: int, limit: int = 500
) -> list[tuple[datetime, str, str]]:
    rows = conn.execute(
        select(messages.c.created_at, messages.c.direction, messages.c.text)
        .where(messages.c.contact_id == contact_id)
        .order_by(messages.c.id.desc())
        .limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows][::-1]


def erase_contact(conn: Connection, contact_id: int) -> None:
    """Erase the contact, identities, messages, answers, requests; sales stay, anonymous.

    Ledger rows name a coop member, never a contact: unlinking the member from the contact
    leaves every hashed ledger value unchanged, so the chain still verifies."""
    forget_contact(conn, contact_id, utcnow())  # no broadcast still waiting goes to them
    conn.execute(update(members).where(members.c.contact_id == contact_id).values(contact_id=None))
    # Pending replies (such as "your data is deleted") still go out; the rest is erased.
    conn.execute(
        delete(outbox).where(
            outbox.c.contact_id == contact_id, outbox.c.status.not_in(("pending", "sending"))
        )
    )
    conn.execute(update(outbox).where(outbox.c.contact_id == contact_id).values(contact_id=None))
    for owned in (messages, tickets, identities):
        conn.execute(delete(owned).where(owned.c.contact_id == contact_id))
    conn.execute(delete(contacts).where(contacts.c.id == contact_id))


def purge_inactive(conn: Connection, *, now: datetime, retention_days: int) -> int:
    """Erase contacts silent for longer than the retention period; return how many."""
    cutoff = now - timedelta(days=retention_days)
    ids = list(
        (conn.execute(select(contacts.c.id).where(contacts.c.last_seen_at < cutoff))).scalars()
    )
    for contact_id in ids:
        erase_contact(conn, contact_id)
    # Delivered messages and old dedupe keys are not needed for long either.
    conn.execute(
        delete(outbox).where(
            outbox.c.status.in_(("sent", "failed")), outbox.c.created_at < now - timedelta(days=30)
        )
    )
    conn.execute(delete(processed).where(processed.c.processed_at < now - timedelta(days=7)))
    return len(ids)
