"""The figure pages at scale, per database (SQLite, and PostgreSQL when BENCH_PG_URL is
set): 10,000 contacts over a year, 1,000,000 logged messages (and their daily counts, as the
dispatcher keeps them), the 1,000,000-row sales ledger of bench/ledger.py, eligibility
results, steps, workshop answers and 50 broadcasts to 2,000 people each. Times what each
page does (reads and rendering,
without HTTP): the dashboard for 30 days and for the year (and for one coop), the impact
report, its PDF, and a contact's summary. Targets: pages under 300 ms, the PDF under 5 s.

    python bench/reports.py                                        # SQLite
    BENCH_PG_URL=postgresql+asyncpg://… python bench/reports.py    # also PostgreSQL
    BENCH_REPORT_SCALE=0.1 python bench/reports.py                 # a tenth: a quicker run
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ledger as ledger_bench  # noqa: E402  (bench/ledger.py: the ledger's rows)
from sqlalchemy import Connection, insert, select, text  # noqa: E402

from bot.db.migrate import truncate_all, upgrade  # noqa: E402
from bot.db.repos import activity  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.db.tables import (  # noqa: E402
    broadcasts,
    checklist_progress,
    contacts,
    coops,
    eligibility_figures,
    identities,
    messages,
    module_progress,
    recipients,
    rsvps,
    workshops,
)
from bot.ledger.rows import member_ref  # noqa: E402
from bot.reports import html, pdf  # noqa: E402
from bot.reports.broadcasts import read_broadcasts  # noqa: E402
from bot.reports.charts import svg  # noqa: E402
from bot.reports.counts import read_counts  # noqa: E402
from bot.reports.dashboard import Filters, Journeys, build  # noqa: E402
from bot.reports.journey import Titles, read_journey  # noqa: E402
from bot.reports.period import Period  # noqa: E402
from bot.reports.programme import read_programme  # noqa: E402
from bot.reports.report import build_report  # noqa: E402
from bot.reports.summary import read_summary  # noqa: E402
from content.catalog import Catalog  # noqa: E402

SCALE = float(os.environ.get("BENCH_REPORT_SCALE", "1"))
CONTACTS = int(10_000 * SCALE)
MESSAGES = int(1_000_000 * SCALE)
SALES = int(1_000_000 * SCALE)
YEAR = ledger_bench.YEAR
TZ = ledger_bench.TZ
LANGS = ("fr", "ar", "prs", "ti", "und")
CHUNK = 20_000
STEPS = ("work_right_check", "domiciliation", "social_security", "bank_account")
OUTCOMES = ("ephemeral_culinary", "ephemeral_textile", "cae", "awareness", "not_yet")
BROADCASTS = 50
# Where a broadcast's recipients end, as the runner leaves them (weights).
ENDS = {"read": 50, "delivered": 25, "sent": 15, "failed": 3, "needs_template": 4, "skipped": 3}


def moment(rng: random.Random) -> datetime:
    return datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(365 * 86400))


async def load(db: Database) -> list[int]:
    """Contacts, messages and their daily counts, journeys; the ledger by bench/ledger.py."""
    rng = random.Random(16)
    people: list[dict[str, Any]] = []
    for _ in range(CONTACTS):
        at = moment(rng)
        people.append(
            {
                "lang": rng.choice(LANGS),
                "consent": rng.random() < 0.6,
                "fields": {},
                "created_at": at,
                "last_seen_at": at,
            }
        )

    def add_people(conn: Connection) -> list[int]:
        ids = []
        for start in range(0, len(people), 2000):
            part = people[start : start + 2000]
            conn.execute(insert(contacts), part)
        ids = list(conn.execute(select(contacts.c.id).order_by(contacts.c.id)).scalars())
        conn.execute(
            insert(identities),
            [
                {
                    "contact_id": cid,
                    "channel": "whatsapp" if i % 3 else "telegram",
                    "address": f"+3360{i:07d}",
                    "created_at": people[i]["created_at"],
                }
                for i, cid in enumerate(ids)
            ],
        )
        return ids

    ids = await db.run(add_people)
    # Messages: in and out, through the year; their counts per day as the dispatcher adds them.
    tally: Counter[tuple[date, str, str, str]] = Counter()
    batch: list[tuple[Any, ...]] = []

    async def flush() -> None:
        if not batch:
            return
        cols = ["contact_id", "direction", "channel", "text", "lang", "intent", "created_at"]
        if db.is_sqlite:
            rows = [dict(zip(cols, r, strict=True)) for r in batch]
            await db.run(lambda c: c.execute(insert(messages), rows))
        else:
            async with db.engine.connect() as conn:
                raw = await conn.get_raw_connection()
                apg: Any = raw.driver_connection
                await apg.copy_records_to_table("messages", records=batch, columns=cols)
                await conn.commit()
        batch.clear()

    for n in range(MESSAGES):
        i = rng.randrange(len(ids))
        who = people[i]
        at = max(who["created_at"], moment(rng))
        channel = "whatsapp" if i % 3 else "telegram"
        direction = "in" if n % 2 == 0 else "out"
        batch.append((ids[i], direction, channel, "bonjour", who["lang"], None, at))
        day = at.astimezone(TZ).date()
        tally[
            (day, channel, who["lang"], "messages_in" if direction == "in" else "messages_out")
        ] += 1
        if direction == "in" and rng.random() < 0.05:
            tally[(day, channel, who["lang"], "not_understood")] += 1
        if direction == "in" and rng.random() < 0.01:
            tally[
                (day, channel, who["lang"], rng.choice(("modules_done", "steps_done", "rsvp_yes")))
            ] += 1
        if len(batch) == CHUNK:
            await flush()
    await flush()
    by_day: dict[date, activity.Tally] = {}
    for (day, channel, lang, measure), count in tally.items():
        by_day.setdefault(day, activity.Tally()).add(channel, lang, measure, count)
    for day, day_tally in by_day.items():
        await db.run(activity.add_counts, day_tally, day)

    def journeys(conn: Connection) -> None:
        conn.execute(
            insert(eligibility_figures),
            [
                {
                    "decided_on": moment(rng).date(),
                    "outcome": rng.choice(OUTCOMES),
                    "answers": {},
                }
                for _ in range(CONTACTS // 2)
            ],
        )
        consented = [cid for cid, p in zip(ids, people, strict=True) if p["consent"]]
        conn.execute(
            insert(checklist_progress),
            [
                {
                    "contact_id": cid,
                    "step_id": step,
                    "status": rng.choice(("done", "not_yet", "help")),
                    "updated_at": moment(rng),
                }
                for cid in consented
                for step in STEPS
                if rng.random() < 0.5
            ],
        )
        conn.execute(
            insert(module_progress),
            [
                {
                    "contact_id": cid,
                    "module_id": "cooperative",
                    "position": 3,
                    "done_at": moment(rng),
                    "updated_at": moment(rng),
                }
                for cid in consented[: len(consented) // 2]
            ],
        )
        for w in range(50):
            starts = datetime(YEAR, 1, 6, 13, tzinfo=UTC) + timedelta(days=7 * w)
            ws = conn.execute(
                insert(workshops).values(
                    titles={"fr": f"Atelier {w + 1}"},
                    starts_at=starts,
                    place="Paris",
                    langs=["fr"],
                    created_at=starts - timedelta(days=20),
                )
            ).inserted_primary_key
            assert ws is not None
            conn.execute(
                insert(rsvps),
                [
                    {
                        "workshop_id": ws[0],
                        "contact_id": cid,
                        "answer": rng.choice(("yes", "no")),
                        "answered_at": starts - timedelta(days=3),
                        "attended": rng.random() < 0.5,
                    }
                    for cid in rng.sample(ids, min(100, len(ids)))
                ],
            )
        for b in range(BROADCASTS):
            started = datetime(YEAR, 1, 8, 10, tzinfo=UTC) + timedelta(days=7 * b)
            sent = conn.execute(
                insert(broadcasts).values(
                    state="sent",
                    audience={},
                    created_at=started - timedelta(days=1),
                    scheduled_at=started,
                    started_at=started,
                    finished_at=started + timedelta(hours=1),
                )
            ).inserted_primary_key
            assert sent is not None
            chosen = rng.sample(range(len(ids)), min(len(ids), CONTACTS // 5))
            ends = rng.choices(list(ENDS), weights=list(ENDS.values()), k=len(chosen))
            conn.execute(
                insert(recipients),
                [
                    {
                        "broadcast_id": sent[0],
                        "contact_id": ids[i],
                        "channel": "whatsapp" if i % 3 else "telegram",
                        "lang": people[i]["lang"],
                        "status": status
                        if i % 3 or status not in ("delivered", "read")
                        else "sent",
                        "updated_at": started,
                    }
                    for i, status in zip(chosen, ends, strict=True)
                ],
            )
        conn.execute(text("ANALYZE"))

    await db.run(journeys)
    await ledger_bench.load(db, SALES)
    return ids


async def timed(fn: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(runs: list[float]) -> str:
    return f"median {statistics.median(runs) * 1000:7.1f} ms  max {max(runs) * 1000:7.1f} ms"


async def bench(name: str, url: str, catalog: Catalog) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await truncate_all(db)
    t0 = time.perf_counter()
    ids = await load(db)
    print(
        f"{name:<10} loaded {CONTACTS:,} contacts, {MESSAGES:,} messages, {SALES:,} sales "
        f"in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    titles = Titles.of(catalog)
    async with db.connect() as conn:
        coop = (await conn.execute(select(coops.c.name).order_by(coops.c.id))).scalars().first()

    async def dashboard(period: Period, coop: str | None = None) -> None:
        async with db.connect() as conn:
            counts = await read_counts(conn, period, TZ, grain=period.grain)
            programme = await read_programme(conn, period, TZ, coop)
            sent = await read_broadcasts(conn, period, TZ)
        named = Journeys(programme, lambda m, rank: member_ref(m), titles.steps)
        for table in build(counts, Filters(period, coop=coop), named, sent):
            svg(table)
            table.grid()

    async def report(period: Period, as_pdf: bool) -> None:
        async with db.connect() as conn:
            made = await build_report(conn, period, TZ, datetime.now(UTC))
        pdf.render(made) if as_pdf else html.body(made)

    async def summary() -> None:
        async with db.connect() as conn:
            await read_summary(conn, ids[len(ids) // 2])
            await read_journey(conn, ids[len(ids) // 2], titles)

    month = Period(date(YEAR, 12, 1), date(YEAR, 12, 31))
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    for label, call, runs in (
        ("dashboard, December", lambda: dashboard(month), 5),
        ("dashboard, the year", lambda: dashboard(year), 5),
        ("dashboard, the year, one coop", lambda: dashboard(year, coop), 5),
        ("report page, December", lambda: report(month, False), 5),
        ("report page, the year", lambda: report(year, False), 5),
        ("report PDF, the year", lambda: report(year, True), 3),
        ("contact summary", summary, 20),
    ):
        await call()  # warm
        print(f"{name:<10} {label:<32} {ms(await timed(call, runs))}", flush=True)
    await db.dispose()


async def main() -> None:
    from content.catalog import load_catalog

    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"reports benchmark, {CONTACTS:,} contacts, {MESSAGES:,} messages, {SALES:,} sales, "
        f"on {os.cpu_count()} cores, load average {load_avg} "
        "(targets: pages < 300 ms, PDF < 5 s)",
        flush=True,
    )
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as tmp:
        await bench("sqlite", f"sqlite+aiosqlite:///{tmp}/reports.db", catalog)
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        await bench("postgresql", pg, catalog)
    else:
        print("postgresql skipped: set BENCH_PG_URL (make bench does)")


if __name__ == "__main__":
    asyncio.run(main())
