"""Outbox rows: queueing them with a priority, claiming what is due (in order per address,
for a lease the claimant renews: bot/delivery/claims.py), and recording outcomes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)

from bot.core.messages import OutboundMessage
from bot.db.tables import identities, outbox
from bot.delivery import reachability, wakeup
from bot.delivery.claims import Claimant, held_by, skip_locked, state, take
from bot.delivery.payload import Payload

WAITING, WORKING = "pending", "sending"  # the claim pattern's states, for the outbox
UNFINISHED: tuple[ColumnElement[str], ...] = (state(WAITING), state(WORKING))
ROWS_PER_ADDRESS = 10  # claimed at once behind an address's first due row


class Priority(IntEnum):
    """Which rows go first when sends must wait (rate limits, a backlog): lower first.

    Each address's rows of one priority go out in the order they were queued; a row of a
    higher priority (a reply) may overtake lower ones (a reminder, a broadcast) to the same
    address.
    """

    REPLY = 0  # to someone writing now (and a facilitator's answer)
    REMINDER = 10  # workshop reminders and checklist nudges (the scheduler)
    BROADCAST = 20  # facilitators' broadcasts


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A message to queue: to whom, what, why (a template's purpose outside WhatsApp's
    window) and how urgently (`priority`, see `Priority`)."""

    contact_id: int | None
    channel: str
    address: str
    payload: Payload
    created_at: datetime
    purpose: str = "reply"
    priority: int = Priority.REPLY
    next_attempt_at: datetime | None = None  # None: due at once
    # When the message this answers arrived (opens WhatsApp's window); None for the rest.
    inbound_at: datetime | None = None
    # To someone who asked to be erased: the row is deleted once sent or given up.
    transient: bool = False


@dataclass(frozen=True)
class Claimed:
    id: int
    message: OutboundMessage
    attempts: int  # including this one
    unreachable: bool  # the contact is marked unreachable
    transient: bool
    priority: int


@dataclass(frozen=True, slots=True)
class Sent:
    id: int
    provider_id: str | None
    at: datetime
    forget: bool = False  # a transient row: delete it


@dataclass(frozen=True, slots=True)
class Retry:
    id: int
    at: datetime  # next attempt
    attempts: int  # attempts made so far (rows behind a failed one were not tried)
    error: str
    parts_sent: int = 0


@dataclass(frozen=True, slots=True)
class Finished:
    """Not sent, and not tried again: `failed` or `held`."""

    id: int
    status: Literal["failed", "held"]
    error: str
    forget: bool = False


Outcome = Sent | Retry | Finished


def enqueue(conn: Connection, rows: Sequence[OutboxRow]) -> list[int]:
    """Queue messages in the caller's transaction; returns their outbox ids, in order.

    `OutboxRow.priority` orders waiting rows: `Priority.REPLY` before `REMINDER` before
    `BROADCAST` (order per address is kept within one priority).
    """
    if not rows:
        return []
    wakeup.notify(conn)
    result = conn.execute(
        insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True),
        [
            {
                "contact_id": r.contact_id,
                "channel": r.channel,
                "address": r.address,
                "payload": r.payload.to_json(),
                "purpose": r.purpose,
                "priority": int(r.priority),
                "status": "pending",
                "attempts": 0,
                "parts_sent": 0,
                "next_attempt_at": r.next_attempt_at or r.created_at,
                "inbound_at": r.inbound_at,
                "transient": r.transient,
                "created_at": r.created_at,
            }
            for r in rows
        ],
    )
    return list(result.scalars().all())


def to_outbound(row: Any, last_inbound_at: datetime | None) -> OutboundMessage:
    payload = Payload.from_json(row.payload)
    inbound = [t for t in (last_inbound_at, row.inbound_at) if t is not None]
    return OutboundMessage(
        channel=row.channel,
        address=row.address,
        text=payload.text,
        lang=payload.lang,
        quick_replies=payload.quick_replies,
        attachments=payload.attachments,
        purpose=row.purpose,
        outbox_id=row.id,
        last_inbound_at=max(inbound, default=None),
        parts_done=row.parts_sent,
        template=payload.template,
    )


def claim_due(
    conn: Connection,
    now: datetime,
    channel: str,
    claimant: Claimant,
    *,
    limit: int = 64,
    held: Collection[int] = (),
    later_limit: int | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due rows of one channel: the first unfinished row of
    (address, priority) queues, highest priority first, each with the due rows right
    behind it.

    A row is first when no earlier row of its queue is pending or sending, so two senders
    never deliver one queue out of order; a row left `sending` by a dead sender is first
    again once its lease has run out. `held`: rows the claimant is still working on, never
    taken again by it even if a stall let their lease run out. `later_limit`: at most so
    many rows below `Priority.REPLY` (the rest of `limit` is for replies).
    """
    earlier = outbox.alias("earlier")
    blocked = exists().where(
        earlier.c.channel == outbox.c.channel,
        earlier.c.address == outbox.c.address,
        earlier.c.priority == outbox.c.priority,
        earlier.c.id < outbox.c.id,
        earlier.c.status.in_(UNFINISHED),
    )
    # Two small queries rather than one with an OR: each walks its own partial index
    # (pending rows by priority and id; rows being sent by lease end) and stops early,
    # however long the backlog.
    due = (outbox.c.status == state(WAITING), outbox.c.next_attempt_at <= now)
    expired = (outbox.c.status == state(WORKING), outbox.c.claimed_until < now)
    # The rows the claimant holds are left out here, not in SQL (a list of hundreds of ids
    # in every claim costs more than the query): a held row is being sent, so it is never
    # pending, and is among the expired only if a stall let its lease run out.
    heads: list[Any] = []
    for condition, room in ((due, 0), (expired, len(held))):
        heads_q = (
            select(outbox.c.id, outbox.c.address, outbox.c.priority)
            .where(*condition, outbox.c.channel == channel, ~blocked)
            .order_by(outbox.c.priority, outbox.c.id)
            .limit(limit + room)
        )
        found: Sequence[Any] = conn.execute(skip_locked(conn, heads_q, outbox)).all()
        heads += [h for h in found if h.id not in held]
    heads = sorted(heads, key=lambda h: (h.priority, h.id))[:limit]
    if not heads:
        return []
    first = {(h.address, h.priority): h.id for h in heads}
    rows_q = (
        select(outbox, identities.c.last_inbound_at, identities.c.unreachable)
        .outerjoin(
            identities,
            and_(
                identities.c.channel == outbox.c.channel, identities.c.address == outbox.c.address
            ),
        )
        .where(
            outbox.c.status.in_(UNFINISHED),
            outbox.c.channel == channel,
            # A plain IN on the address walks the index; the priority is checked below.
            outbox.c.address.in_(sorted({address for address, _ in first})),
        )
        .order_by(outbox.c.id)
    )
    if conn.dialect.name == "postgresql":
        rows_q = rows_q.with_for_update(of=outbox)
    taken: dict[tuple[str, int], list[Any]] = {}
    stopped: set[tuple[str, int]] = set()
    for r in conn.execute(rows_q):
        key = (r.address, r.priority)
        if key not in first or r.id < first[key] or key in stopped:
            continue
        queue = taken.setdefault(key, [])
        # Stop at the first row that is not due: the rows behind it keep their order.
        if len(queue) >= ROWS_PER_ADDRESS or not _due(r, now) or r.id in held:
            stopped.add(key)
            continue
        queue.append(r)
    rows: list[Any] = []
    later = 0
    for h in heads:  # highest priority first, until the limit
        queue = taken.get((h.address, h.priority), [])
        if rows and len(rows) + len(queue) > limit:
            break
        if h.priority > Priority.REPLY and later_limit is not None:
            if later + len(queue) > later_limit:
                continue
            later += len(queue)
        rows += queue
    if not rows:
        return []
    take(
        conn,
        outbox,
        claimant,
        [r.id for r in rows],
        now,
        working=WORKING,
        attempts=outbox.c.attempts + 1,
    )
    return [
        Claimed(
            r.id,
            to_outbound(r, r.last_inbound_at),
            r.attempts + 1,
            bool(r.unreachable),
            bool(r.transient),
            r.priority,
        )
        for r in sorted(rows, key=lambda r: (r.priority, r.id))
    ]


def _due(row: Any, now: datetime) -> bool:
    if row.status == WAITING:
        return bool(row.next_attempt_at <= now)
    return row.claimed_until is not None and bool(row.claimed_until < now)


_BY_ID = outbox.c.id == bindparam("oid")
# Only the claimant still holding a row may put it back or finish it; "sent" always wins.
_HELD = and_(_BY_ID, held_by(outbox, bindparam("token"), working=WORKING))


def record(conn: Connection, token: str, outcomes: Sequence[Outcome]) -> None:
    """Apply delivery outcomes: one statement per kind of outcome."""
    sent = [o for o in outcomes if isinstance(o, Sent)]
    retry = [o for o in outcomes if isinstance(o, Retry)]
    finished = [o for o in outcomes if isinstance(o, Finished)]
    if sent:
        conn.execute(
            update(outbox)
            .where(_BY_ID, outbox.c.status.in_(UNFINISHED))
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
            .where(_HELD)
            .values(
                status="pending",
                claimed_until=None,
                next_attempt_at=bindparam("v_at"),
                attempts=bindparam("v_attempts"),
                last_error=bindparam("v_error"),
                parts_sent=bindparam("v_parts"),
            ),
            [
                {
                    "oid": o.id,
                    "token": token,
                    "v_at": o.at,
                    "v_attempts": o.attempts,
                    "v_error": o.error[:500],
                    "v_parts": o.parts_sent,
                }
                for o in retry
            ],
        )
    if finished:
        conn.execute(
            update(outbox)
            .where(_HELD)
            .values(
                status=bindparam("v_status"), claimed_until=None, last_error=bindparam("v_error")
            ),
            [
                {"oid": o.id, "token": token, "v_status": o.status, "v_error": o.error[:500]}
                for o in finished
            ],
        )
    forget = [o.id for o in sent if o.forget] + [o.id for o in finished if o.forget]
    if forget:
        conn.execute(delete(outbox).where(outbox.c.id.in_(forget), outbox.c.transient))


@dataclass(frozen=True, slots=True)
class Refusal:
    """A platform refused a send because the user cannot receive (blocked us), as of `at`."""

    channel: str
    address: str
    at: datetime


def record_all(
    conn: Connection, token: str, outcomes: Sequence[Outcome], refusals: Sequence[Refusal]
) -> None:
    record(conn, token, outcomes)
    for r in refusals:
        reachability.mark_unreachable(conn, r.channel, r.address, since=r.at)


def record_status(
    conn: Connection, provider_id: str, status: str, error: str | None, unreachable: bool
) -> bool:
    """A provider's status callback (delivered, read, failed…) for a sent message."""
    values: dict[str, Any] = {"provider_status": status[:16]}
    if error:
        values["last_error"] = error
    if status in ("failed", "undelivered"):
        values["status"] = "failed"
    result = conn.execute(
        update(outbox)
        .where(outbox.c.provider_id == provider_id)
        .values(**values)
        .returning(outbox.c.channel, outbox.c.address, outbox.c.sent_at)
    ).all()
    if unreachable:
        for channel, address, sent_at in result:
            if sent_at is not None:
                reachability.mark_unreachable(conn, channel, address, since=sent_at)
    return bool(result)
