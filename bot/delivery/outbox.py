"""Outbox rows: claiming what is due (in order per address) and recording outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    exists,
    literal_column,
    select,
    tuple_,
    update,
)

from bot.core.messages import Attachment, OutboundMessage, QuickReply
from bot.db.tables import identities, outbox

LEASE = timedelta(minutes=2)
# Written as literals, not bound parameters: SQLite uses a partial index only when the
# query repeats the index's condition word for word.
PENDING: ColumnElement[str] = literal_column("'pending'")
UNFINISHED: tuple[ColumnElement[str], ...] = (PENDING, literal_column("'sending'"))


@dataclass(frozen=True)
class Claimed:
    id: int
    message: OutboundMessage
    attempts: int  # including this one
    unreachable: bool


def to_outbound(row: Any, last_inbound_at: datetime | None) -> OutboundMessage:
    payload = row.payload
    return OutboundMessage(
        channel=row.channel,
        address=row.address,
        text=payload.get("text", ""),
        lang=payload.get("lang", "und"),
        quick_replies=tuple(
            QuickReply(q["id"], q["title"]) for q in payload.get("quick_replies", [])
        ),
        attachments=tuple(
            Attachment(a["kind"], a["ref"], a.get("mime")) for a in payload.get("attachments", [])
        ),
        purpose=row.purpose,
        outbox_id=row.id,
        last_inbound_at=last_inbound_at,
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


def record(conn: Connection, updates: Sequence[dict[str, Any]]) -> None:
    """Apply outcomes: each dict has `oid` and the columns to set."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for u in updates:
        by_keys.setdefault(tuple(sorted(u)), []).append(u)
    for keys, group in by_keys.items():
        values: dict[str, Any] = {k: bindparam(f"v_{k}") for k in keys if k != "oid"}
        conn.execute(
            update(outbox).where(outbox.c.id == bindparam("oid")).values(**values),
            [{"oid": g["oid"], **{f"v_{k}": g[k] for k in keys if k != "oid"}} for g in group],
        )


def record_all(
    conn: Connection, updates: Sequence[dict[str, Any]], unreachable: Sequence[tuple[str, str]]
) -> None:
    record(conn, updates)
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
