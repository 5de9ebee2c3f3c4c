""" "My data" and retention: what is stored about a contact, its export, and its erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, not_, select, update

from bot.db.base import utcnow
from bot.db.repos.broadcasts import forget_contact
from bot.db.repos.conversations import open_tickets
from bot.db.tables import (
    broadcast_stops,
    checklist_progress,
    contacts,
    eligibility_results,
    identities,
    jobs,
    members,
    messages,
    module_progress,
    outbox,
    preferences,
    processed,
    replies,
    rsvps,
    sales,
    tickets,
)

# What belongs to a contact and goes with them (the database cascades too; this says it).
OWNED = (
    messages,
    identities,
    rsvps,
    module_progress,
    eligibility_results,
    checklist_progress,
    preferences,
    jobs,
    broadcast_stops,
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
    return StoredData(
        channels, n_messages, {**fields, **journey_answers(conn, contact_id)}, n_sales, n_open
    )


def journey_answers(conn: Connection, contact_id: int) -> dict[str, Any]:
    """What the journeys keep about the contact, as lines of "my data": the eligibility
    outcome and its answers, checklist steps, modules read, workshop answers."""
    out: dict[str, Any] = {}
    kept = conn.execute(
        select(eligibility_results).where(eligibility_results.c.contact_id == contact_id)
    ).first()
    if kept is not None:
        out["eligibility"] = kept.outcome
        out.update({f"eligibility.{k}": v for k, v in dict(kept.answers).items()})
    for r in conn.execute(
        select(checklist_progress).where(checklist_progress.c.contact_id == contact_id)
    ):
        out[f"step.{r.step_id}"] = r.status
    for r in conn.execute(
        select(module_progress).where(module_progress.c.contact_id == contact_id)
    ):
        out[f"module.{r.module_id}"] = "done" if r.done_at else f"message {r.position}"
    for r in conn.execute(select(rsvps).where(rsvps.c.contact_id == contact_id)):
        out[f"workshop.{r.workshop_id}"] = r.answer
    return out


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


OUTBOX_DAYS = 30  # outbox rows (addresses and texts) are kept this long, whatever their state
PROCESSED_DAYS = 7  # inbound dedupe keys (no personal data): platforms retry within hours


def erase_contact(conn: Connection, contact_id: int) -> None:
    """Erase the contact, identities, messages, answers, requests, RSVPs, progress and
    scheduled reminders; sales stay, anonymous.

    Ledger rows name a coop member, never a contact: unlinking the member from the contact
    leaves every hashed ledger value unchanged, so the chain still verifies.

    Every outbox row for them goes too, whatever its state: replies not yet sent are
    dropped. The reply that confirms the erasure is queued after this, without a contact
    and `transient` (deleted once sent), carrying the time of their message so that it
    still goes out inside WhatsApp's window with no identity left to say so.
    """
    forget_contact(conn, contact_id, utcnow())  # no broadcast still waiting goes to them
    conn.execute(update(members).where(members.c.contact_id == contact_id).values(contact_id=None))
    conn.execute(delete(outbox).where(outbox.c.contact_id == contact_id))
    own_tickets = select(tickets.c.id).where(tickets.c.contact_id == contact_id)
    conn.execute(delete(replies).where(replies.c.ticket_id.in_(own_tickets)))
    conn.execute(delete(tickets).where(tickets.c.contact_id == contact_id))
    for owned in OWNED:
        conn.execute(delete(owned).where(owned.c.contact_id == contact_id))
    conn.execute(delete(contacts).where(contacts.c.id == contact_id))


def purge_inactive(conn: Connection, *, now: datetime, retention_days: int) -> int:
    """Erase contacts silent for longer than the retention period; return how many.

    Outbox rows older than OUTBOX_DAYS go whatever their state (sent, failed, held, or
    pending for a channel no longer configured), except one a sender is working on now.
    """
    cutoff = now - timedelta(days=retention_days)
    ids = list(
        (conn.execute(select(contacts.c.id).where(contacts.c.last_seen_at < cutoff))).scalars()
    )
    for contact_id in ids:
        erase_contact(conn, contact_id)
    being_sent = and_(outbox.c.status == "sending", outbox.c.claimed_until >= now)
    conn.execute(
        delete(outbox).where(
            outbox.c.created_at < now - timedelta(days=OUTBOX_DAYS), not_(being_sent)
        )
    )
    conn.execute(
        delete(processed).where(processed.c.processed_at < now - timedelta(days=PROCESSED_DAYS))
    )
    return len(ids)
