"""Requests to talk to a person, as staff see and answer them (`inbox`, later the admin):
the request's context, its replies and whether each reached the chat."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, update

from bot.db.repos import conversations
from bot.db.repos.reach import Reach, reach
from bot.db.tables import contacts, messages, outbox, replies, tickets
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


def _requests_select() -> Select[Any]:
    counts = (
        select(replies.c.ticket_id, func.count().label("n"), func.max(replies.c.id).label("last"))
        .group_by(replies.c.ticket_id)
        .subquery()
    )
    last = replies.alias("last_reply")
    return (
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
    )


def _request(r: Any) -> Request:
    return Request(
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


def list_requests(
    conn: Connection, *, include_closed: bool = False, limit: int | None = None, offset: int = 0
) -> list[Request]:
    """Requests, the oldest first (who has waited longest); a page of them with `limit`."""
    page = select(tickets.c.id).order_by(tickets.c.id).offset(offset).limit(limit)
    if not include_closed:
        page = page.where(tickets.c.status.in_(OPEN_STATUSES))
    stmt = _requests_select().where(tickets.c.id.in_(page.scalar_subquery())).order_by(tickets.c.id)
    return [_request(r) for r in conn.execute(stmt)]


def count_requests(conn: Connection, *, include_closed: bool = False) -> int:
    stmt = select(func.count()).select_from(tickets)
    if not include_closed:
        stmt = stmt.where(tickets.c.status.in_(OPEN_STATUSES))
    return int(conn.execute(stmt).scalar_one())


def get_request(conn: Connection, ticket_id: int) -> Request | None:
    row = conn.execute(_requests_select().where(tickets.c.id == ticket_id)).first()
    return _request(row) if row else None


@dataclass(frozen=True, slots=True)
class Said:
    """One line of a contact's conversation."""

    at: datetime
    direction: str  # "in" (the person) | "out" (the bot, or a person's answer)
    text: str
    lang: str


def last_words(conn: Connection, contact_id: int, limit: int) -> list[Said]:
    """The contact's last `limit` messages, the oldest first."""
    rows = conn.execute(
        select(messages.c.created_at, messages.c.direction, messages.c.text, messages.c.lang)
        .where(messages.c.contact_id == contact_id)
        .order_by(messages.c.id.desc())
        .limit(limit)
    )
    return [Said(r.created_at, r.direction, r.text, r.lang) for r in rows][::-1]


@dataclass(frozen=True, slots=True)
class ReplyRow:
    """A person's answer and where its message is (pending, sent, held, failed)."""

    id: int
    author: str
    text: str
    created_at: datetime
    status: str | None
    error: str | None


def replies_of(conn: Connection, ticket_id: int) -> list[ReplyRow]:
    rows = conn.execute(
        select(replies, outbox.c.status, outbox.c.last_error)
        .outerjoin(outbox, outbox.c.id == replies.c.outbox_id)
        .where(replies.c.ticket_id == ticket_id)
        .order_by(replies.c.id)
    )
    return [ReplyRow(r.id, r.author, r.text, r.created_at, r.status, r.last_error) for r in rows]


WINDOW = timedelta(hours=24)


def will_be_held(
    conn: Connection, ticket_id: int, templates: Mapping[str, str], now: datetime
) -> bool:
    """A reply now would be held: WhatsApp, outside the 24-hour window, and no "reply"
    template configured to carry it."""
    contact_id = conn.execute(
        select(tickets.c.contact_id).where(tickets.c.id == ticket_id)
    ).scalar()
    who = reach(conn, [contact_id]).get(contact_id) if contact_id else None
    if who is None or who.channel != "whatsapp":
        return False
    inside = who.last_inbound_at is not None and now - who.last_inbound_at < WINDOW
    return not inside and not (templates.get(f"reply.{who.lang}") or templates.get("reply"))


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
