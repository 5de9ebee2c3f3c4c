""" "My data" and retention: what is stored about a contact, its export, and its erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.repos.conversations import open_tickets
from bot.db.tables import (
    contacts,
    erased_people,
    identities,
    messages,
    misunderstood,
    outbox,
    processed,
    sales,
    tickets,
)

PARIS = ZoneInfo("Europe/Paris")


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
            select(func.count()).select_from(sales).where(sales.c.contact_id == contact_id)
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


def erase_contact(conn: Connection, contact_id: int, *, tz: ZoneInfo = PARIS) -> None:
    """Erase the contact, identities, messages, answers, requests; sales stay, anonymous,
    and the person stays in the figures as a count (day of first contact in `tz`)."""
    count_erased(conn, contact_id, tz)
    conn.execute(delete(misunderstood).where(misunderstood.c.contact_id == contact_id))
    conn.execute(update(sales).where(sales.c.contact_id == contact_id).values(contact_id=None))
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


def count_erased(conn: Connection, contact_id: int, tz: ZoneInfo) -> None:
    """Add the contact to the anonymous counts of erased people (bot/reports reads them
    beside the live contacts): day of first contact, channel, last language, consent."""
    row = conn.execute(
        select(contacts.c.created_at, contacts.c.lang, contacts.c.consent).where(
            contacts.c.id == contact_id
        )
    ).first()
    channel = conn.execute(
        select(identities.c.channel)
        .where(identities.c.contact_id == contact_id)
        .order_by(identities.c.id)
        .limit(1)
    ).scalar()
    if row is None or channel is None:
        return
    created_at = row.created_at
    if created_at.tzinfo is None:  # SQLite through Core without the model's type
        created_at = created_at.replace(tzinfo=ZoneInfo("UTC"))
    values = {
        "day": created_at.astimezone(tz).date(),
        "channel": channel,
        "lang": row.lang,
        "people": 1,
        "consented": 1 if row.consent else 0,
    }
    stmt = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(erased_people)
    conn.execute(
        stmt.values(values).on_conflict_do_update(
            index_elements=["day", "channel", "lang"],
            set_={
                "people": erased_people.c.people + 1,
                "consented": erased_people.c.consented + values["consented"],
            },
        )
    )


def purge_inactive(
    conn: Connection, *, now: datetime, retention_days: int, tz: ZoneInfo = PARIS
) -> int:
    """Erase contacts silent for longer than the retention period; return how many."""
    cutoff = now - timedelta(days=retention_days)
    ids = list(
        (conn.execute(select(contacts.c.id).where(contacts.c.last_seen_at < cutoff))).scalars()
    )
    for contact_id in ids:
        erase_contact(conn, contact_id, tz=tz)
    # Delivered messages and old dedupe keys are not needed for long either.
    conn.execute(
        delete(outbox).where(
            outbox.c.status.in_(("sent", "failed")), outbox.c.created_at < now - timedelta(days=30)
        )
    )
    conn.execute(delete(processed).where(processed.c.processed_at < now - timedelta(days=7)))
    return len(ids)
