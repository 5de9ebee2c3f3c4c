"""Workshops and RSVPs: creating, listing, answering, cancelling; reminders follow RSVPs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, Select, and_, func, insert, select, update

from bot.db.repos import jobs as jobs_repo
from bot.db.tables import rsvps, workshops
from bot.delivery.timing import next_daytime, reminder_times


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    id: int
    titles: Mapping[str, str]
    starts_at: datetime
    place: str
    langs: tuple[str, ...]
    cancelled_at: datetime | None
    coming: int = 0  # RSVPs "yes"

    def title(self, lang: str, fallback: str = "fr") -> str:
        return (
            self.titles.get(lang)
            or self.titles.get(fallback)
            or next(iter(self.titles.values()), "")
        )


class WorkshopNotFound(LookupError):
    pass


def add_workshop(
    conn: Connection,
    *,
    titles: Mapping[str, str],
    starts_at: datetime,
    place: str,
    langs: Sequence[str],
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(workshops)
            .values(
                titles=dict(titles),
                starts_at=starts_at,
                place=place,
                langs=list(langs),
                created_at=now,
            )
            .returning(workshops.c.id)
        ).scalar_one()
    )


def _select() -> Select[Any]:
    coming = (
        select(rsvps.c.workshop_id, func.count().label("n"))
        .where(rsvps.c.answer == "yes")
        .group_by(rsvps.c.workshop_id)
        .subquery()
    )
    return (
        select(workshops, func.coalesce(coming.c.n, 0).label("coming"))
        .outerjoin(coming, coming.c.workshop_id == workshops.c.id)
        .order_by(workshops.c.starts_at, workshops.c.id)
    )


def _row(r: Row[Any]) -> WorkshopRow:
    return WorkshopRow(
        r.id,
        dict(r.titles),
        r.starts_at,
        r.place,
        tuple(r.langs),
        r.cancelled_at,
        int(r.coming),
    )


def list_workshops(conn: Connection, *, since: datetime | None = None) -> list[WorkshopRow]:
    """All workshops (from `since` on), the soonest first, with how many said yes."""
    stmt = _select()
    if since is not None:
        stmt = stmt.where(workshops.c.starts_at >= since)
    return [_row(r) for r in conn.execute(stmt)]


def upcoming(conn: Connection, now: datetime) -> list[WorkshopRow]:
    """Workshops still to come and not cancelled, however far ahead, the next first (without
    counting who comes: a conversation reads this, on the index of start times)."""
    stmt = (
        select(workshops)
        .where(workshops.c.starts_at > now, workshops.c.cancelled_at.is_(None))
        .order_by(workshops.c.starts_at, workshops.c.id)
    )
    return [
        WorkshopRow(r.id, dict(r.titles), r.starts_at, r.place, tuple(r.langs), r.cancelled_at)
        for r in conn.execute(stmt)
    ]


def get_workshop(conn: Connection, workshop_id: int) -> WorkshopRow | None:
    stmt = _select().where(workshops.c.id == workshop_id)
    row = conn.execute(stmt).first()
    return _row(row) if row else None


def by_ids(conn: Connection, ids: Select[Any]) -> dict[int, WorkshopRow]:
    """Workshops by id (a subquery of ids), without counting who comes."""
    rows = conn.execute(select(workshops).where(workshops.c.id.in_(ids)))
    return {
        r.id: WorkshopRow(
            r.id, dict(r.titles), r.starts_at, r.place, tuple(r.langs), r.cancelled_at
        )
        for r in rows
    }


def answers_of(conn: Connection, contact_id: int) -> dict[int, str]:
    """The contact's RSVPs: workshop id -> "yes" | "no"."""
    rows = conn.execute(
        select(rsvps.c.workshop_id, rsvps.c.answer).where(rsvps.c.contact_id == contact_id)
    )
    return {r.workshop_id: r.answer for r in rows}


def reminder_key(workshop_id: int, contact_id: int, which: str) -> str:
    return f"reminder:{workshop_id}:{contact_id}:{which}"


def answer(
    conn: Connection,
    *,
    workshop_id: int,
    contact_id: int,
    coming: bool,
    now: datetime,
    tz: ZoneInfo,
) -> bool:
    """Record "I'll come" / "I can't". Coming schedules the reminders still ahead (24 h and
    2 h before, out of quiet hours); not coming cancels them. False when the workshop is
    cancelled, past or unknown."""
    ws = get_workshop(conn, workshop_id)
    if ws is None or ws.cancelled_at is not None or ws.starts_at <= now:
        return False
    value = "yes" if coming else "no"
    changed = conn.execute(
        update(rsvps)
        .where(rsvps.c.workshop_id == workshop_id, rsvps.c.contact_id == contact_id)
        .values(answer=value, answered_at=now)
    )
    if not changed.rowcount:
        conn.execute(
            insert(rsvps).values(
                workshop_id=workshop_id, contact_id=contact_id, answer=value, answered_at=now
            )
        )
    prefix = f"reminder:{workshop_id}:{contact_id}:"
    if not coming:
        jobs_repo.cancel(conn, prefix + "%", now, "not coming")
        return True
    due = {name: at for name, at in reminder_times(ws.starts_at, tz).items() if at > now}
    seen: set[datetime] = set()
    for name, at in sorted(due.items(), key=lambda item: item[1]):
        if at in seen:  # two reminders moved to the same time: one is enough
            continue
        seen.add(at)
        jobs_repo.put(
            conn,
            jobs_repo.NewJob(
                "reminder",
                reminder_key(workshop_id, contact_id, name),
                at,
                contact_id=contact_id,
                workshop_id=workshop_id,
            ),
            now,
        )
    return True


def cancel_workshop(conn: Connection, workshop_id: int, now: datetime, tz: ZoneInfo) -> int:
    """Cancel a workshop: its reminders stop, and each person who said yes is told (at once,
    or at 08:00 when it is night). Returns how many will be told."""
    ws = get_workshop(conn, workshop_id)
    if ws is None:
        raise WorkshopNotFound(f"no workshop {workshop_id}")
    if ws.cancelled_at is not None:
        raise WorkshopNotFound(f"workshop {workshop_id} is already cancelled")
    conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(cancelled_at=now))
    jobs_repo.cancel(conn, f"reminder:{workshop_id}:%", now, "workshop cancelled")
    if ws.starts_at <= now:
        return 0
    coming = list(
        conn.execute(
            select(rsvps.c.contact_id).where(
                and_(rsvps.c.workshop_id == workshop_id, rsvps.c.answer == "yes")
            )
        ).scalars()
    )
    at = next_daytime(now, tz)
    jobs_repo.add(
        conn,
        [
            jobs_repo.NewJob(
                "cancelled",
                f"cancelled:{workshop_id}:{cid}",
                at,
                contact_id=cid,
                workshop_id=workshop_id,
            )
            for cid in coming
        ],
        now,
    )
    return len(coming)
