"""The evening sales reminder from outside: real `python -m bot worker` processes on one
database (two at once on PostgreSQL, one after the other on SQLite) queue it once to each
member who logged nothing, and the job moves on to the next evening."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from bot.core.content import seed_if_empty
from bot.db.repos import conversations as repo
from bot.db.session import Database
from bot.db.tables import jobs
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop, join
from bot.ledger.recording import SaleEntry, record_sale
from bot.ledger.rules import Actor
from tests.bot.test_scheduler_processes import count, daytime_zone, wait_until, worker

MEMBERS = 200


async def test_workers_queue_the_evening_reminder_once(db: Database) -> None:
    await seed_if_empty(db)
    now = datetime.now(UTC)
    zone = daytime_zone(now)
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    due = now - timedelta(minutes=1)

    def plan(conn: Connection) -> int:
        spec = CoopSpec(
            "Cuisine du monde",
            "culinary",
            products=(ProductSpec("repas", 800, 1000),),
            reminder_at=due.astimezone(tz).time().replace(second=0, microsecond=0),
        )
        coop = create_coop(conn, spec, now=now, tz=tz).coop
        made = repo.create_contacts(conn, [("test", f"m{i}", "ar") for i in range(MEMBERS)], now)
        members = [
            join(conn, coop.invite_code, c.id, now=now, tz=tz).member.id for c in made.values()
        ]
        sold = SaleEntry(coop.id, members[0], "repas", 1, 800)
        record_sale(conn, sold, Actor.member(members[0]), now=now, tz=tz)  # spared
        conn.execute(
            insert(jobs),
            [
                {
                    "kind": "sales_remind",
                    "key": f"sales_remind:{coop.id}",
                    "due_at": due,
                    "status": "pending",
                    "created_at": now,
                }
            ],
        )
        return coop.id

    coop_id = await db.run(plan)
    moved = (
        f"SELECT COUNT(*) FROM scheduled_jobs WHERE key = 'sales_remind:{coop_id}' "
        "AND status = 'pending' AND due_at > CURRENT_TIMESTAMP"
    )
    first = worker(db, zone)
    second = worker(db, zone) if not db.is_sqlite else None  # two at once on PostgreSQL
    try:
        await wait_until(db, moved, 1, *(p for p in (first, second) if p is not None))
        if second is None:
            second = worker(db, zone)  # SQLite: another worker once the first has gone
            clock.sleep(5)
            assert second.poll() is None
        clock.sleep(3)  # both keep ticking: nothing more is queued
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    assert await count(db, "SELECT COUNT(*) FROM outbox") == MEMBERS - 1
    assert await count(db, "SELECT COUNT(DISTINCT address) FROM outbox") == MEMBERS - 1
    async with db.connect() as conn:
        next_due = (
            await conn.execute(select(jobs.c.due_at).where(jobs.c.kind == "sales_remind"))
        ).scalar_one()
    next_due = next_due if next_due.tzinfo else next_due.replace(tzinfo=UTC)
    assert next_due.astimezone(tz).date() == local.date() + timedelta(days=1)
