"""Scheduler benchmark: how long one tick takes to find and handle due work among 100,000
contacts, 10,000 workshop reminders and 30,000 weekly nudges (target: under 100 ms).

A tick claims up to 50 due jobs in one transaction and reads what they need ("find"),
renders each message in its contact's language, queues it in the outbox and records the
outcome ("tick": the whole transaction, commit included).

    python bench/scheduler.py                      # SQLite
    BENCH_PG_URL=postgresql+asyncpg://… python bench/scheduler.py   # also PostgreSQL
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, insert, text

from bot.db.migrate import truncate_all, upgrade
from bot.db.session import Database
from bot.db.tables import contacts, identities, jobs, rsvps, workshops
from bot.delivery.scheduler import find_due, handle_due, run_tick
from content.catalog import LANGS, Catalog, load_locale_files
from content.dates import warm_up

CONTACTS = int(os.environ.get("BENCH_CONTACTS", "100000"))
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "10000"))
NUDGES = int(os.environ.get("BENCH_NUDGES", "30000"))
WORKSHOPS = 40
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday morning
SPREAD = timedelta(days=28)
TARGET_MS = 100.0


def chunks(rows: list[dict[str, object]], size: int = 5000) -> list[list[dict[str, object]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def fill(conn: Connection) -> None:
    rnd = random.Random(7)
    conn.execute(
        insert(contacts),
        [
            {
                "id": i,
                "lang": LANGS[i % 4],
                "consent": True,
                "fields": {},
                "created_at": START,
                "last_seen_at": START,
            }
            for i in range(1, CONTACTS + 1)
        ],
    )
    for part in chunks(
        [
            {
                "contact_id": i,
                "channel": "telegram" if i % 3 else "whatsapp",
                "address": str(10_000_000 + i),
                "last_inbound_at": START,
                "unreachable": False,
                "created_at": START,
            }
            for i in range(1, CONTACTS + 1)
        ]
    ):
        conn.execute(insert(identities), part)
    conn.execute(
        insert(workshops),
        [
            {
                "id": w,
                "titles": {"fr": f"Atelier {w}", "ar": f"ورشة {w}"},
                "starts_at": START + SPREAD * w / WORKSHOPS + timedelta(days=1),
                "place": "Maison des associations, Paris 18e",
                "langs": ["fr", "ar"],
                "created_at": START,
            }
            for w in range(1, WORKSHOPS + 1)
        ],
    )
    people = rnd.sample(range(1, CONTACTS + 1), REMINDERS)
    conn.execute(
        insert(rsvps),
        [
            {
                "workshop_id": 1 + n % WORKSHOPS,
                "contact_id": c,
                "answer": "yes",
                "answered_at": START,
            }
            for n, c in enumerate(people)
        ],
    )
    reminder_rows: list[dict[str, object]] = [
        {
            "kind": "reminder",
            "key": f"reminder:{1 + n % WORKSHOPS}:{c}:24h",
            "contact_id": c,
            "workshop_id": 1 + n % WORKSHOPS,
            "due_at": START + SPREAD * (1 + n % WORKSHOPS) / WORKSHOPS,
            "status": "pending",
            "created_at": START,
        }
        for n, c in enumerate(people)
    ]
    nudge_rows: list[dict[str, object]] = [
        {
            "kind": "nudge",
            "key": f"nudge:{c}",
            "contact_id": c,
            "workshop_id": None,
            "due_at": START + timedelta(seconds=rnd.uniform(0, SPREAD.total_seconds())),
            "status": "pending",
            "created_at": START,
        }
        for c in rnd.sample(range(1, CONTACTS + 1), NUDGES)
    ]
    for part in chunks(reminder_rows + nudge_rows):
        conn.execute(insert(jobs), part)


def checklist(answers: object, outcome: str | None) -> list[tuple[str, str]]:
    return [("address", "menu.steps"), ("bank", "menu.sales")]


async def prepare(url: str) -> Database:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await truncate_all(db)
    await db.run(fill)
    if not db.is_sqlite:
        async with db.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return db


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def bench(name: str, url: str) -> None:
    t0 = time.perf_counter()
    db = await prepare(url)
    print(
        f"{name:<10} filled {CONTACTS} contacts, {REMINDERS} reminders, {NUDGES} nudges "
        f"in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    catalog = Catalog(load_locale_files())
    warm_up()  # as the scheduler does when it starts
    empty: list[float] = []
    for _ in range(50):  # nothing due yet: the index answers alone
        t = time.perf_counter()
        result = await db.run(run_tick, START - timedelta(hours=1), PARIS, catalog, checklist)
        empty.append((time.perf_counter() - t) * 1000)
        assert result.claimed == 0
    find: list[float] = []
    busy: list[float] = []
    handled = 0
    now = START + timedelta(days=2, hours=3)  # the first reminders and many nudges are due

    def timed_tick(conn: Connection) -> tuple[int, float]:
        t = time.perf_counter()
        found = find_due(conn, now, PARIS, catalog, checklist)
        found_in = (time.perf_counter() - t) * 1000
        if found is None:
            return 0, found_in
        return handle_due(conn, *found).claimed, found_in

    while True:
        t = time.perf_counter()
        claimed, found_in = await db.run(timed_tick)
        if not claimed:
            break
        busy.append((time.perf_counter() - t) * 1000)
        find.append(found_in)
        handled += claimed
    print(
        f"{name:<10} empty tick:  p50 {statistics.median(empty):6.2f} ms   "
        f"p99 {pct(empty, 0.99):6.2f} ms",
        flush=True,
    )
    print(
        f"{name:<10} find due:    p50 {statistics.median(find):6.2f} ms   "
        f"p99 {pct(find, 0.99):6.2f} ms   max {max(find):6.2f} ms",
        flush=True,
    )
    print(
        f"{name:<10} whole tick:  {len(busy)} ticks, {handled} jobs   "
        f"p50 {statistics.median(busy):6.2f} ms   p99 {pct(busy, 0.99):6.2f} ms   "
        f"max {max(busy):6.2f} ms   -> {'OK' if pct(busy, 0.99) < TARGET_MS else 'OVER'} "
        f"(target < {TARGET_MS:.0f} ms per tick)",
        flush=True,
    )
    await db.dispose()


async def main() -> None:
    print(f"scheduler benchmark on {os.cpu_count()} cores (claim + render + enqueue + commit)")
    with tempfile.TemporaryDirectory() as tmp:
        await bench("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db")
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        await bench("postgresql", pg)
    else:
        print("postgresql skipped: set BENCH_PG_URL (make bench does)")


if __name__ == "__main__":
    asyncio.run(main())
