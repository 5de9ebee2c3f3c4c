"""Requests to talk to a person, as staff see and answer them (`inbox`, later the admin):
the request's context, its replies and whether each reached the chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from bot.db.repos import conversations
from bot.db.repos.reach import Reach, reach
from bot.db.tables import contacts, outbox, replies, tickets
from bot.delivery import outbox as outbox_repo
from bot.delivery.payload import Payload
from content.catalog import BASE_LANG, LANGS, Catalog

OPEN_STATUSES = ("open", "answered")
# Where a contact waits for a person: their next messages go to the person, not the menu.
WAITING_SESSION: dict[str, Any] = {"flow": "handover", "node": "waiting", "vars": {}}


def is_waiting(session: Any) -> bool:
    """In the handover flow: their messages go to the person."""
    return isinstance(session, dict) and session.get("flow") == WAITING_SESSION["flow"]


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    contact_id: int
    status: str
    reason: str
    context: dict[str, Any]
    lang: str
    created_at: datetime
    assigned_to: str | None
    answered_at: datetime | None
    replies: int
    last_reply_status: str | None  # the outbox status of the newest reply (held, sent…)
    last_reply_error: str | None


class RequestNotFound(LookupError):
    pass


def list_requests(conn: Connection, *, include_closed: bool = False) -> list[Request]:
    """Requests, the oldest first (who has waited longest)."""
    counts = (
        select(replies.c.ticket_id, func.count().label("n"), func.max(replies.c.id).label("last"))
        .group_by(replies.c.ticket_id)
        .subquery()
    )
    last = replies.alias("last_reply")
    stmt = (
        select(
            tickets,
            contacts.c.lang,
            func.coalesce(counts.c.n, 0).label("n"),
            outbox.c.status.label("reply_status"),
            outbox.c.last_error.label("reply_error"),
        )
        .join(contacts, contacts.c.id == tickets.c.contact_id)
        .outerjoin(counts, counts.c.ticket_id == tickets.c.id)
        .outerjoin(last, last.c.id == counts.c.last)
        .outerjoin(outbox, outbox.c.id == last.c.outbox_id)
        .order_by(tickets.c.id)
    )
    if not include_closed:
        stmt = stmt.where(tickets.c.status.in_(OPEN_STATUSES))
    return [
        Request(
            r.id,
            r.contact_id,
            r.status,
            r.reason,
            dict(r.context or {}),
            r.lang,
            r.created_at,
            r.assigned_to,
            r.answered_at,
            int(r.n),
            r.reply_status,
            r.reply_error,
        )
        for r in conn.execute(stmt)
    ]


def _open_ticket(conn: Connection, ticket_id: int) -> Any:
    row = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
    if row is None:
        raise RequestNotFound(f"no request {ticket_id}")
    if row.status not in OPEN_STATUSES:
        raise RequestNotFound(f"request {ticket_id} is closed")
    return row


def _say(
    conn: Connection,
    who: Reach,
    text: str,
    lang: str,
    now: datetime,
    *,
    purpose: str = "reply",
) -> int:
    """Queue a message to the contact's chat and log it; returns the outbox id."""
    (outbox_id,) = outbox_repo.enqueue(
        conn,
        [
            outbox_repo.OutboxRow(
                who.contact_id, who.channel, who.address, Payload(text, lang), now, purpose=purpose
            )
        ],
    )
    conversations.add_messages(
        conn, [conversations.MessageRow(who.contact_id, "out", who.channel, text, lang, now)]
    )
    return outbox_id


def reply(
    conn: Connection, ticket_id: int, text: str, author: str, now: datetime, catalog: Catalog
) -> int:
    """A person's answer, through the outbox to the contact's chat, headed by "a person from
    Migracoop answered". The contact's next messages go to the person (their session waits
    in the handover flow) until the request is closed. Returns the outbox id.

    WhatsApp outside the 24-hour window: the "reply" template when configured, else the
    message is held, and `inbox list` shows it as such."""
    ticket = _open_ticket(conn, ticket_id)
    who = reach(conn, [ticket.contact_id]).get(ticket.contact_id)
    if who is None:
        raise RequestNotFound(f"request {ticket_id}: the person cannot be reached any more")
    lang = who.lang if who.lang in LANGS else BASE_LANG
    message = catalog.text("journeys.human_answered", lang) + "\n\n" + text.strip()
    outbox_id = _say(conn, who, message, lang, now)
    conn.execute(
        insert(replies).values(
            ticket_id=ticket_id, author=author, text=text, outbox_id=outbox_id, created_at=now
        )
    )
    conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id)
        .values(
            status="answered",
            answered_at=now,
            assigned_to=func.coalesce(tickets.c.assigned_to, author),
        )
    )
    conn.execute(
        update(contacts).where(contacts.c.id == ticket.contact_id).values(session=WAITING_SESSION)
    )
    return outbox_id


def assign(conn: Connection, ticket_id: int, who: str) -> None:
    _open_ticket(conn, ticket_id)
    conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(assigned_to=who))


def close(conn: Connection, ticket_id: int, now: datetime, catalog: Catalog) -> None:
    """Close the request; the contact is told, and their messages go to the bot again."""
    ticket = _open_ticket(conn, ticket_id)
    conn.execute(
        update(tickets).where(tickets.c.id == ticket_id).values(status="closed", closed_at=now)
    )
    others = conn.execute(
        select(func.count())
        .select_from(tickets)
        .where(tickets.c.contact_id == ticket.contact_id, tickets.c.status.in_(OPEN_STATUSES))
    ).scalar_one()
    session = conn.execute(
        select(contacts.c.session).where(contacts.c.id == ticket.contact_id)
    ).scalar()
    if not others and is_waiting(session):
        conn.execute(
            update(contacts).where(contacts.c.id == ticket.contact_id).values(session=None)
        )
    who = reach(conn, [ticket.contact_id]).get(ticket.contact_id)
    if who is not None:
        lang = who.lang if who.lang in LANGS else BASE_LANG
        _say(conn, who, catalog.text("journeys.request_closed", lang), lang, now)
