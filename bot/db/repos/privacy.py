""" "My data" and retention: what is stored about a contact, its export, and its erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, delete, func, not_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.base import utcnow
from bot.db.repos.broadcasts import forget_contact
from bot.db.repos.conversations import open_tickets
from bot.db.tables import (
    broadcast_stops,
    checklist_progress,
    contacts,
    eligibility_results,
    erased_attendance,
    erased_people,
    identities,
    jobs,
    members,
    messages,
    misunderstood,
    module_progress,
    outbox,
    preferences,
    processed,
    replies,
    rsvps,
    sales,
    tickets,
    workshops,
)

PARIS = ZoneInfo("Europe/Paris")

# What belongs to a contact and goes with them (the database cascades too; this says it).
OWNED = (
    messages,
    misunderstood,  # kept for review only while its sender is
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
            .where(members.c.contact_id == contact_id, sales.c.kind == "sale")
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
    for r in conn.execute(
        select(rsvps.c.workshop_id, rsvps.c.answer, workshops.c.titles)
        .join(workshops, workshops.c.id == rsvps.c.workshop_id)
        .where(rsvps.c.contact_id == contact_id)
    ):
        out[f"workshop.{r.workshop_id}"] = WorkshopAnswer(r.answer, dict(r.titles or {}))
    return out


@dataclass(frozen=True)
class WorkshopAnswer:
    """A workshop answer as "my data" shows it: the answer, and the workshop's titles."""

    answer: str  # yes | no
    titles: dict[str, str]

    def __str__(self) -> str:
        return self.answer


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


def erase_contact(conn: Connection, contact_id: int, *, tz: ZoneInfo = PARIS) -> None:
    """Erase the contact, identities, messages, answers, requests, RSVPs, progress and
    scheduled reminders; sales stay, anonymous, and the person stays in the figures as a
    count (day of first contact in `tz`).

    Ledger rows name a coop member, never a contact: unlinking the member from the contact
    leaves every hashed ledger value unchanged, so the chain still verifies.

    Every outbox row for them goes too, whatever its state: replies not yet sent are
    dropped. The reply that confirms the erasure is queued after this, without a contact
    and `transient` (deleted once sent), carrying the time of their message so that it
    still goes out inside WhatsApp's window with no identity left to say so.
    """
    count_erased(conn, contact_id, tz)
    count_erased_answers(conn, contact_id)
    forget_contact(conn, contact_id, utcnow())  # no broadcast still waiting goes to them
    conn.execute(update(members).where(members.c.contact_id == contact_id).values(contact_id=None))
    conn.execute(delete(outbox).where(outbox.c.contact_id == contact_id))
    own_tickets = select(tickets.c.id).where(tickets.c.contact_id == contact_id)
    conn.execute(delete(replies).where(replies.c.ticket_id.in_(own_tickets)))
    conn.execute(delete(tickets).where(tickets.c.contact_id == contact_id))
    for owned in OWNED:
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
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(erased_people)
    conn.execute(
        stmt.values(values).on_conflict_do_update(
            index_elements=["day", "channel", "lang"],
            set_={
                "people": erased_people.c.people + 1,
                "consented": erased_people.c.consented + values["consented"],
            },
        )
    )


def count_erased_answers(conn: Connection, contact_id: int) -> None:
    """Add the contact's workshop answers to the anonymous counts per workshop: still
    counted among who was coming and who came."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    answers = conn.execute(
        select(rsvps.c.workshop_id, rsvps.c.answer, rsvps.c.attended).where(
            rsvps.c.contact_id == contact_id
        )
    ).all()
    for workshop_id, answer, attended in answers:
        coming, came = int(answer == "yes"), int(bool(attended))
        if not (coming or came):
            continue
        ins = insert(erased_attendance).values(
            workshop_id=workshop_id, coming=coming, attended=came
        )
        conn.execute(
            ins.on_conflict_do_update(
                index_elements=["workshop_id"],
                set_={
                    "coming": erased_attendance.c.coming + coming,
                    "attended": erased_attendance.c.attended + came,
                },
            )
        )


def purge_inactive(
    conn: Connection, *, now: datetime, retention_days: int, tz: ZoneInfo = PARIS
) -> int:
    """Erase contacts silent for longer than the retention period; return how many.

    Outbox rows older than OUTBOX_DAYS go whatever their state (sent, failed, held, or
    pending for a channel no longer configured), except one a sender is working on now.
    """
    cutoff = now - timedelta(days=retention_days)
    ids = list(
        (conn.execute(select(contacts.c.id).where(contacts.c.last_seen_at < cutoff))).scalars()
    )
    for contact_id in ids:
        erase_contact(conn, contact_id, tz=tz)
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
