"""The dispatcher's reads and writes: few statements per batch, built with SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.models import ChannelIdentity, Contact, HandoverTicket, MessageLog, Outbox
from bot.db.models import ProcessedInbound
from bot.db.repos.dialect import insert_ignore

contacts = Contact.__table__
identities = ChannelIdentity.__table__
messages = MessageLog.__table__
outbox = Outbox.__table__
processed = ProcessedInbound.__table__
tickets = HandoverTicket.__table__


@dataclass
class ContactRow:
    """A contact as the dispatcher works on it during one batch."""

    id: int
    identity_id: int
    lang: str
    consent: bool | None
    consent_at: datetime | None
    fields: dict[str, Any]
    session: dict[str, Any] | None
    is_new: bool = False


async def claim_inbound(
    conn: AsyncConnection, keys: Sequence[tuple[str, str]], now: datetime
) -> set[tuple[str, str]]:
    """Record the (channel, external id) keys; return those seen for the first time."""
    if not keys:
        return set()
    stmt = insert_ignore(conn, processed).values(
        [{"channel": c, "external_id": e, "processed_at": now} for c, e in keys]
    ).returning(processed.c.channel, processed.c.external_id)
    rows = await conn.execute(stmt)
    return {(r[0], r[1]) for r in rows}


async def load_contacts(
    conn: AsyncConnection, addresses: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ContactRow]:
    """Contacts by (channel, address), locked until commit on PostgreSQL."""
    stmt = (
        select(identities.c.channel, identities.c.address, identities.c.id, contacts.c.id,
               contacts.c.lang, contacts.c.consent, contacts.c.consent_at, contacts.c.fields,
               contacts.c.session)
        .join(contacts, contacts.c.id == identities.c.contact_id)
        .where(tuple_(identities.c.channel, identities.c.address).in_(list(addresses)))
        .order_by(contacts.c.id)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=contacts)
    out: dict[tuple[str, str], ContactRow] = {}
    for r in await conn.execute(stmt):
        out[(r[0], r[1])] = ContactRow(r[3], r[2], r[4], r[5], r[6], dict(r[7] or {}), r[8])
    return out


async def create_contacts(
    conn: AsyncConnection, addresses: Sequence[tuple[str, str, str]], now: datetime
) -> dict[tuple[str, str], ContactRow]:
    """New contacts for (channel, address, initial lang); a concurrent creation raises."""
    out: dict[tuple[str, str], ContactRow] = {}
    for channel, address, lang in addresses:
        contact_id = (await conn.execute(
            insert(contacts).values(lang=lang, fields={}, created_at=now, last_seen_at=now)
            .returning(contacts.c.id)
        )).scalar_one()
        identity_id = (await conn.execute(
            insert(identities).values(contact_id=contact_id, channel=channel, address=address,
                                      unreachable=False, created_at=now)
            .returning(identities.c.id)
        )).scalar_one()
        out[(channel, address)] = ContactRow(contact_id, identity_id, lang, None, None, {}, None,
                                             is_new=True)
    return out


async def save_contacts(conn: AsyncConnection, rows: Sequence[ContactRow], now: datetime) -> None:
    if not rows:
        return
    await conn.execute(
        update(contacts).where(contacts.c.id == bindparam("cid")),
        [{"cid": r.id, "lang": r.lang, "consent": r.consent, "consent_at": r.consent_at,
          "fields": r.fields, "session": r.session, "last_seen_at": now} for r in rows],
    )
    await conn.execute(
        update(identities).where(identities.c.id == bindparam("iid")),
        [{"iid": r.identity_id, "last_inbound_at": now, "unreachable": False} for r in rows],
    )


async def add_messages(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(messages), list(rows))


async def add_outbox(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = await conn.execute(insert(outbox).values(list(rows)).returning(outbox.c.id))
    return [r[0] for r in result]


async def add_tickets(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(tickets), list(rows))

