"""The dispatcher's reads and writes: few statements per batch, built with SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, insert, select, tuple_, update

from bot.core.messages import Attachment
from bot.db.tables import contacts, identities, messages, processed, tickets


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


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One line of the message log."""

    contact_id: int
    direction: Literal["in", "out"]
    channel: str
    text: str
    lang: str
    created_at: datetime
    intent: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A request to talk to a person."""

    contact_id: int
    reason: str
    created_at: datetime
    context: dict[str, str] | None = None  # what led there (flow, question, step…)


def claim_inbound(
    conn: Connection, keys: Sequence[tuple[str, str]], now: datetime
) -> set[tuple[str, str]]:
    """Record the (channel, external id) keys; return those seen for the first time.

    A concurrent process inserting the same key makes the insert fail with an
    IntegrityError: the dispatcher then retries the batch, and sees the key as known.
    """
    if not keys:
        return set()
    seen = {
        (r[0], r[1])
        for r in conn.execute(
            select(processed.c.channel, processed.c.external_id).where(
                tuple_(processed.c.channel, processed.c.external_id).in_(list(keys))
            )
        )
    }
    fresh = [k for k in keys if k not in seen]
    if fresh:
        conn.execute(
            insert(processed),
            [{"channel": c, "external_id": e, "processed_at": now} for c, e in fresh],
        )
    return set(fresh)


def load_contacts(
    conn: Connection, addresses: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ContactRow]:
    """Contacts by (channel, address), locked until commit on PostgreSQL."""
    stmt = (
        select(
            identities.c.channel,
            identities.c.address,
            identities.c.id,
            contacts.c.id,
            contacts.c.lang,
            contacts.c.consent,
            contacts.c.consent_at,
            contacts.c.fields,
            contacts.c.session,
        )
        .join(contacts, contacts.c.id == identities.c.contact_id)
        .where(tuple_(identities.c.channel, identities.c.address).in_(list(addresses)))
        .order_by(contacts.c.id)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=contacts)
    out: dict[tuple[str, str], ContactRow] = {}
    for r in conn.execute(stmt):
        out[(r[0], r[1])] = ContactRow(r[3], r[2], r[4], r[5], r[6], dict(r[7] or {}), r[8])
    return out


def create_contacts(
    conn: Connection, addresses: Sequence[tuple[str, str, str]], now: datetime
) -> dict[tuple[str, str], ContactRow]:
    """New contacts for (channel, address, initial lang); a concurrent creation raises."""
    if not addresses:
        return {}
    contact_ids = (
        (
            conn.execute(
                insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True),
                [
                    {"lang": lang, "fields": {}, "created_at": now, "last_seen_at": now}
                    for _, _, lang in addresses
                ],
            )
        )
        .scalars()
        .all()
    )
    identity_ids = (
        (
            conn.execute(
                insert(identities).returning(identities.c.id, sort_by_parameter_order=True),
                [
                    {
                        "contact_id": cid,
                        "channel": channel,
                        "address": address,
                        "unreachable": False,
                        "created_at": now,
                    }
                    for cid, (channel, address, _) in zip(contact_ids, addresses, strict=True)
                ],
            )
        )
        .scalars()
        .all()
    )
    return {
        (channel, address): ContactRow(cid, iid, lang, None, None, {}, None, is_new=True)
        for cid, iid, (channel, address, lang) in zip(
            contact_ids, identity_ids, addresses, strict=True
        )
    }


def save_contacts(conn: Connection, rows: Sequence[ContactRow], now: datetime) -> None:
    if not rows:
        return
    conn.execute(
        update(contacts).where(contacts.c.id == bindparam("cid")),
        [
            {
                "cid": r.id,
                "lang": r.lang,
                "consent": r.consent,
                "consent_at": r.consent_at,
                "fields": r.fields,
                "session": r.session,
                "last_seen_at": now,
            }
            for r in rows
        ],
    )
    conn.execute(
        update(identities).where(identities.c.id == bindparam("iid")),
        [{"iid": r.identity_id, "last_inbound_at": now, "unreachable": False} for r in rows],
    )


def add_messages(conn: Connection, rows: Sequence[MessageRow]) -> None:
    if rows:
        conn.execute(
            insert(messages),
            [
                {
                    "contact_id": r.contact_id,
                    "direction": r.direction,
                    "channel": r.channel,
                    "text": r.text,
                    "lang": r.lang,
                    "intent": r.intent,
                    "attachments": [
                        {"kind": a.kind, "ref": a.ref, "mime": a.mime} for a in r.attachments
                    ]
                    or None,
                    "created_at": r.created_at,
                }
                for r in rows
            ],
        )


def add_tickets(conn: Connection, rows: Sequence[TicketRow]) -> None:
    if rows:
        conn.execute(
            insert(tickets),
            [
                {
                    "contact_id": r.contact_id,
                    "reason": r.reason[:32],
                    "status": "open",
                    "context": r.context or None,
                    "created_at": r.created_at,
                }
                for r in rows
            ],
        )


def open_tickets(conn: Connection, contact_id: int) -> int:
    """How many requests to talk to a person the contact has open (answered by a person
    but not closed counts: the conversation with them goes on)."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(tickets)
            .where(tickets.c.contact_id == contact_id, tickets.c.status.in_(("open", "answered")))
        ).scalar_one()
    )


def last_inbound_lang(conn: Connection, contact_id: int) -> str:
    """The language the NLU read in the contact's latest message already logged ("und" when
    none): the message before the one being handled, whose row is not written yet."""
    lang = conn.execute(
        select(messages.c.lang)
        .where(messages.c.contact_id == contact_id, messages.c.direction == "in")
        .order_by(messages.c.id.desc())
        .limit(1)
    ).scalar()
    return str(lang) if lang else "und"
