"""Outbox rows: claiming what is due (in order per address) and recording outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    exists,
    insert,
    literal_column,
    select,
    tuple_,
    update,
)

from bot.core.messages import OutboundMessage
from bot.db.tables import identities, outbox
from bot.delivery.payload import Payload

LEASE = timedelta(minutes=2)
# Written as literals, not bound parameters: SQLite uses a partial index only when the
# query repeats the index's condition word for word.
PENDING: ColumnElement[str] = literal_column("'pending'")
UNFINISHED: tuple[ColumnElement[str], ...] = (PENDING, literal_column("'sending'"))


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A message to queue: to whom, what, and why (a template's purpose outside the window)."""

    contact_id: int | None
    channel: str
    address: str
    payload: Payload
    created_at: datetime
    purpose: str = "reply"
    next_attempt_at: datetime | None = None  # None: due at once


@dataclass(frozen=True)
class Claimed:
    id: int
    message: OutboundMessage
    attempts: int  # including this one
    unreachable: bool


@dataclass(frozen=True, slots=True)
class Sent:
    id: int
    provider_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Retry:
    id: int
    at: datetime  # next attempt
    attempts: int  # attempts made so far (rows behind a failed one were not tried)
    error: str


@dataclass(frozen=True, slots=True)
class Finished:
    """Not sent, and not tried again: `failed` or `held`."""

    id: int
    status: Literal["failed", "held"]
    error: str


Outcome = Sent | Retry | Finished


def enqueue(conn: Connection, rows: Sequence[OutboxRow]) -> list[int]:
    """Queue messages in the caller's transaction; returns their outbox ids, in order."""
    if not rows:
        return []
    result = conn.execute(
        insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True),
        [
            {
                "contact_id": r.contact_id,
                "channel": r.channel,
                "address": r.address,
                "payload": r.payload.to_json(),
                "purpose": r.purpose,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": r.next_attempt_at or r.created_at,
                "created_at": r.created_at,
            }
            for r in rows
        ],
    )
    return list(result.scalars().all())


def to_outbound(row: Any, last_inbound_at: datetime | None) -> OutboundMessage:
    payload = Payload.from_json(row.payload)
    return OutboundMessage(
        channel=row.channel,
        address=row.address,
        text=payload.text,
        lang=payload.lang,
        quick_replies=payload.quick_replies,
        attachments=payload.attachments,
        purpose=row.purpose,
        outbox_id=row.id,
        last_inbound_at=last_inbound_at,
        template=payload.template,
    )


def release_stale(conn: Connection, now: datetime) -> int:
    """Rows left 'sending' by a crashed sender go back to pending (at-least-once)."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.status == "sending", outbox.c.claimed_until < now)
        .values(status="pending", claimed_until=None)
    )
    return result.rowcount or 0


def claim_due(
    conn: Connection, now: datetime, channels: Sequence[str], limit: int = 200
) -> list[Claimed]:
    """Claim due rows: the head of each address's queue, then the due rows behind it.

    A row is a head when no earlier row to the same address is still pending or sending,
    so two senders never deliver one address's messages out of order.
    """
    earlier = outbox.alias("earlier")
    blocked = exists().where(
        earlier.c.channel == outbox.c.channel,
        earlier.c.address == outbox.c.address,
        earlier.c.id < outbox.c.id,
        earlier.c.status.in_(UNFINISHED),
    )
    heads_q = (
        select(outbox.c.id, outbox.c.channel, outbox.c.address)
        .where(
            outbox.c.status == PENDING,
            outbox.c.next_attempt_at <= now,
            outbox.c.channel.in_(list(channels)),
            ~blocked,
        )
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        heads_q = heads_q.with_for_update(skip_locked=True, of=outbox)
    heads = (conn.execute(heads_q)).all()
    if not heads:
        return []
    first = {(h.channel, h.address): h.id for h in heads}
    rows_q = (
        select(outbox, identities.c.last_inbound_at, identities.c.unreachable)
        .outerjoin(
            identities,
            and_(
                identities.c.channel == outbox.c.channel, identities.c.address == outbox.c.address
            ),
        )
        .where(
            tuple_(outbox.c.channel, outbox.c.address).in_(list(first)),
            outbox.c.status.in_(UNFINISHED),
            outbox.c.status == PENDING,
            outbox.c.next_attempt_at <= now,
        )
        .order_by(outbox.c.id)
    )
    rows = [r for r in (conn.execute(rows_q)).all() if r.id >= first[(r.channel, r.address)]]
    conn.execute(
        update(outbox)
        .where(outbox.c.id.in_([r.id for r in rows]))
        .values(status="sending", claimed_until=now + LEASE, attempts=outbox.c.attempts + 1)
    )
    return [
        Claimed(r.id, to_outbound(r, r.last_inbound_at), r.attempts + 1, bool(r.unreachable))
        for r in rows
    ]


_BY_ID = outbox.c.id == bindparam("oid")


def record(conn: Connection, outcomes: Sequence[Outcome]) -> None:
    """Apply delivery outcomes: one statement per kind of outcome."""
    sent = [o for o in outcomes if isinstance(o, Sent)]
    retry = [o for o in outcomes if isinstance(o, Retry)]
    finished = [o for o in outcomes if isinstance(o, Finished)]
    if sent:
        conn.execute(
            update(outbox)
            .where(_BY_ID)
            .values(
                status="sent",
                claimed_until=None,
                sent_at=bindparam("v_at"),
                provider_id=bindparam("v_provider_id"),
            ),
            [{"oid": o.id, "v_at": o.at, "v_provider_id": o.provider_id} for o in sent],
        )
    if retry:
        conn.execute(
            update(outbox)
            .where(_BY_ID)
            .values(
                status="pending",
                claimed_until=None,
                next_attempt_at=bindparam("v_at"),
                attempts=bindparam("v_attempts"),
                last_error=bindparam("v_error"),
            ),
            [
                {"oid": o.id, "v_at": o.at, "v_attempts": o.attempts, "v_error": o.error[:500]}
                for o in retry
            ],
        )
    if finished:
        conn.execute(
            update(outbox)
            .where(_BY_ID)
            .values(
                status=bindparam("v_status"), claimed_until=None, last_error=bindparam("v_error")
            ),
            [{"oid": o.id, "v_status": o.status, "v_error": o.error[:500]} for o in finished],
        )


def record_all(
    conn: Connection, outcomes: Sequence[Outcome], unreachable: Sequence[tuple[str, str]]
) -> None:
    record(conn, outcomes)
    for channel, address in unreachable:
        mark_unreachable(conn, channel, address)


def mark_unreachable(conn: Connection, channel: str, address: str) -> None:
    conn.execute(
        update(identities)
        .where(identities.c.channel == channel, identities.c.address == address)
        .values(unreachable=True)
    )


def record_status(conn: Connection, provider_id: str, status: str, error: str | None) -> bool:
    """A provider's status callback (delivered, read, failed…) for a sent message."""
    values: dict[str, Any] = {"provider_status": status[:16]}
    if error:
        values["last_error"] = error
    if status in ("failed", "undelivered"):
        values["status"] = "failed"
    result = conn.execute(
        update(outbox).where(outbox.c.provider_id == provider_id).values(**values)
    )
    return bool(result.rowcount)
