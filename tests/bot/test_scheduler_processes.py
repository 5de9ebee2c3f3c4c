"""The scheduler from outside: real `python -m bot worker` processes on one database, one of
them SIGKILLed while it works. Every due reminder is queued exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, text

from bot.core.content import seed_if_empty
from bot.db.repos import conversations as repo
from bot.db.repos import workshops
from bot.db.session import Database
from bot.db.tables import jobs, rsvps

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 3000


def daytime_zone(now: datetime) -> str:
    """A time zone where it is now the middle of the day (the scheduler sleeps at night)."""
    for hours in range(-12, 15):
        zone = f"Etc/GMT{'+' if hours <= 0 else '-'}{abs(hours)}"  # Etc signs are reversed
        if 11 <= now.astimezone(ZoneInfo(zone)).hour <= 16:
            return zone
    raise AssertionError("no daytime zone")


def worker(db: Database, zone: str) -> subprocess.Popen[bytes]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "ADMIN_"))
    }
    env.update(DATABASE_URL=db.url, TIMEZONE=zone, WORKER_ENABLED="true")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def count(db: Database, sql: str) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def wait_until(db: Database, sql: str, value: int, *procs: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while await count(db, sql) != value:
        for proc in procs:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, await count(db, sql)
        time.sleep(0.2)


async def test_workers_killed_and_racing_queue_each_reminder_once(db: Database) -> None:
    await seed_if_empty(db)
    now = datetime.now(UTC)
    zone = daytime_zone(now)

    def plan(conn: Connection) -> None:
        made = repo.create_contacts(conn, [("test", f"p{i}", "fr") for i in range(PEOPLE)], now)
        ws = workshops.add_workshop(
            conn,
            titles={"fr": "Atelier"},
            starts_at=now + timedelta(days=1),
            place="Paris",
            langs=("fr",),
            now=now,
        )
        ids = [c.id for c in made.values()]
        conn.execute(
            insert(rsvps),
            [
                {"workshop_id": ws, "contact_id": c, "answer": "yes", "answered_at": now}
                for c in ids
            ],
        )
        conn.execute(
            insert(jobs),
            [
                {
                    "kind": "reminder",
                    "key": f"reminder:{ws}:{c}:24h",
                    "contact_id": c,
                    "workshop_id": ws,
                    "due_at": now - timedelta(minutes=1),
                    "status": "pending",
                    "created_at": now,
                }
                for c in ids
            ],
        )

    await db.run(plan)
    done = "SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'done'"
    first = worker(db, zone)
    second = third = None
    try:
        await wait_until(
            db,
            "SELECT LEAST(COUNT(*), 1) FROM outbox"
            if not db.is_sqlite
            else "SELECT MIN(COUNT(*), 1) FROM outbox",
            1,
            first,
        )
        first.send_signal(signal.SIGKILL)  # in the middle of its work
        first.wait(timeout=10)
        assert await count(db, done) < PEOPLE, "the first worker finished before the kill"
        second = worker(db, zone)
        third = worker(db, zone) if not db.is_sqlite else None  # two at once on PostgreSQL
        running = [p for p in (second, third) if p is not None]
        await wait_until(db, done, PEOPLE, *running)
    finally:
        for proc in (first, second, third):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    assert await count(db, "SELECT COUNT(*) FROM outbox") == PEOPLE
    assert await count(db, "SELECT COUNT(DISTINCT address) FROM outbox") == PEOPLE
    assert await count(db, "SELECT COUNT(*) FROM scheduled_jobs WHERE status <> 'done'") == 0
