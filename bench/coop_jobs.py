"""The coops' daily jobs (bot/delivery/coop_jobs.py): what they add to every scheduler tick
(making sure each coop has its jobs, and finding none due), one coop's evening reminder to
its members, and one night's closing of a busy day.

    python bench/coop_jobs.py                      # SQLite
    BENCH_PG_URL=postgresql+asyncpg://… python bench/coop_jobs.py   # also PostgreSQL
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, text, update

from bot.db.migrate import truncate_all, upgrade
from bot.db.repos import conversations as repo
from bot.db.session import Database
from bot.db.tables import jobs
from bot.delivery import coop_jobs
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop, join
from bot.ledger.recording import SaleEntry, record_sale
from bot.ledger.rules import Actor
from content.catalog import Catalog, load_locale_files

COOPS = int(os.environ.get("BENCH_COOPS", "20"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "500"))  # in the coop that is reminded
SALES = int(os.environ.get("BENCH_SALES", "5000"))  # on the day that is closed
PARIS = ZoneInfo("Europe/Paris")
DAY = date(2027, 3, 1)
NOON = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)


def fill(conn: Connection) -> tuple[int, int]:
    coop_ids = []
    for n in range(COOPS):
        spec = CoopSpec(f"Coop {n}", "culinary", products=(ProductSpec("repas", 800, 1000),))
        coop_ids.append(create_coop(conn, spec, now=NOON, tz=PARIS).coop.id)
    first = coop_ids[0]
    code = conn.execute(text(f"SELECT invite_code FROM coops WHERE id = {first}")).scalar_one()
    made = repo.create_contacts(conn, [("test", f"m{i}", "fr") for i in range(MEMBERS)], NOON)
    members = [join(conn, code, c.id, now=NOON, tz=PARIS).member.id for c in made.values()]
    sellers = members[: len(members) // 2]  # the other half logs nothing: reminded
    for i in range(SALES):
        m = sellers[i % len(sellers)]
        entry = SaleEntry(first, m, "repas", 1, 800 + i % 700)
        record_sale(conn, entry, Actor.member(m), now=NOON + timedelta(seconds=i), tz=PARIS)
    return first, len(members) - len(sellers)


async def bench(url: str, label: str) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await truncate_all(db)
    coop_id, silent = await db.run(fill)
    if not db.is_sqlite:
        async with db.begin() as conn:
            await conn.execute(text("ANALYZE"))
    catalog = Catalog(load_locale_files())
    evening = datetime(2027, 3, 1, 19, 0, tzinfo=UTC)  # 20:00 in Paris, the reminder time

    # Every tick: ensure (nothing to add once done) and one claim that finds nothing due.
    await db.run(coop_jobs.ensure, NOON, PARIS)
    await db.run(lambda c: c.execute(update(jobs).values(due_at=evening + timedelta(days=9))))
    idle = []
    for _ in range(50):
        t0 = time.perf_counter()
        await db.run(coop_jobs.ensure, NOON, PARIS)
        await db.run(coop_jobs.run_one, NOON, PARIS, catalog, coop_jobs.KINDS)
        idle.append((time.perf_counter() - t0) * 1000)

    # One coop's evening reminder, and the closing of its busy day two nights later.
    key = f"sales_remind:{coop_id}"
    await db.run(lambda c: c.execute(update(jobs).where(jobs.c.key == key).values(due_at=evening)))
    t0 = time.perf_counter()
    claimed, sent = await db.run(coop_jobs.run_one, evening, PARIS, catalog, coop_jobs.KINDS)
    remind_ms = (time.perf_counter() - t0) * 1000
    assert claimed == 1 and sent == silent, (claimed, sent, silent)
    night = datetime(2027, 3, 2, 23, 0, 5, tzinfo=UTC)  # 00:00:05 on 3 March in Paris
    key = f"sales_close:{coop_id}"
    await db.run(lambda c: c.execute(update(jobs).where(jobs.c.key == key).values(due_at=night)))
    t0 = time.perf_counter()
    await db.run(coop_jobs.run_one, night, PARIS, catalog, (coop_jobs.CLOSE,))
    close_ms = (time.perf_counter() - t0) * 1000
    sealed = await db.run(
        lambda c: c.execute(
            text("SELECT sealed_rows FROM sales WHERE kind = 'closing' AND coop_id = :c"),
            {"c": coop_id},
        ).scalar_one()
    )
    assert sealed == SALES, sealed
    print(
        f"{label}: {COOPS} coops; per tick (ensure + nothing due) median "
        f"{statistics.median(idle):.1f} ms, max {max(idle):.1f} ms; "
        f"a reminder to {sent} of {MEMBERS} members {remind_ms:.0f} ms; "
        f"closing a day of {SALES} sales {close_ms:.0f} ms"
    )
    await db.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bench(f"sqlite+aiosqlite:///{tmp}/bench.db", "SQLite"))
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        asyncio.run(bench(pg, "PostgreSQL"))


if __name__ == "__main__":
    main()
