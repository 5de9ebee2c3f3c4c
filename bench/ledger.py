"""The sales ledger with 1,000,000 rows, per database (SQLite, and PostgreSQL when
BENCH_PG_URL is set): day / member / product aggregates for one coop and one month and for
one coop's full year (target: under 500 ms), the full-year CSV export streamed by the real
command (peak RSS against one month's: flat), `sales verify` over every row (under 10 s),
and recording a sale on the full ledger.

Two coops share the rows over 2025, interleaved as they would be written: sales, undos
(reversals), corrections (reversal + replacement) and a closing per coop and day, all
chained and hashed by the ledger's own code (bot.ledger.chain).

    python bench/ledger.py                                        # SQLite
    BENCH_PG_URL=postgresql+asyncpg://… python bench/ledger.py    # also PostgreSQL
    BENCH_LEDGER_ROWS=200000 python bench/ledger.py               # a quicker run
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, insert, text, update  # noqa: E402

from bot.db.migrate import truncate_all, upgrade  # noqa: E402
from bot.db.repos import coops as coops_repo  # noqa: E402
from bot.db.repos import sales as sales_repo  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.db.tables import ledger_heads, sales  # noqa: E402
from bot.ledger.chain import GENESIS, row_hash  # noqa: E402
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop  # noqa: E402
from bot.ledger.recording import SaleEntry, record_sale  # noqa: E402
from bot.ledger.rows import COLUMNS, LedgerRow  # noqa: E402
from bot.ledger.rules import Actor  # noqa: E402
from bot.ledger.totals import totals  # noqa: E402
from bot.ledger.verify import verify  # noqa: E402

ROWS = int(os.environ.get("BENCH_LEDGER_ROWS", "1000000"))
YEAR = 2025
TZ = ZoneInfo("Europe/Paris")
MEMBERS = 40
CHUNK = 20_000


@dataclass
class Chain:
    """One coop's chain while rows are generated."""

    coop_id: int
    members: list[int]
    products: list[coops_repo.ProductRow]
    seq: int = 0
    last_hash: str = GENESIS
    last_id: int = 0
    open_days: dict[date, list[int]] | None = None  # day -> [cents, rows]
    today: list[LedgerRow] | None = None  # the day's uncorrected sales
    closed: date | None = None


def _row(chain: Chain, row_id: int, **values: Any) -> LedgerRow:
    chain.seq += 1
    draft = LedgerRow(
        id=row_id,
        coop_id=chain.coop_id,
        seq=chain.seq,
        prev_hash=chain.last_hash,
        hash="",
        **values,
    )
    row = replace(draft, hash=row_hash(draft))
    chain.last_hash, chain.last_id = row.hash, row.id
    if row.kind != "closing":
        assert chain.open_days is not None
        day = chain.open_days.setdefault(row.business_date, [0, 0])
        day[0] += row.amount_cents
        day[1] += 1
    return row


def generate(chains: list[Chain], n: int) -> Iterator[LedgerRow]:
    """n rows over the year, the coops' rows interleaved; closings when D + 1 is over."""
    rng = random.Random(13)
    days = [date(YEAR, 1, 1) + timedelta(days=i) for i in range(365)]
    per_day = max(1, n // len(days) // len(chains))
    row_id = 0
    produced = 0
    for chain in chains:
        chain.open_days, chain.today = {}, []
    for day in days:
        opening = datetime.combine(day, clock(9), tzinfo=TZ).astimezone(UTC)
        for chain in chains:  # the first write of the day closes the day before yesterday
            assert chain.open_days is not None
            chain.today = []
            for d in sorted(x for x in chain.open_days if x <= day - timedelta(days=2)):
                cents, count = chain.open_days.pop(d)
                row_id += 1
                produced += 1
                yield _row(
                    chain,
                    row_id,
                    kind="closing",
                    business_date=d,
                    member_id=None,
                    product_id=None,
                    product="",
                    quantity=0,
                    vat_rate_bp=0,
                    payment="",
                    amount_cents=0,
                    corrects_id=None,
                    corrects_date=None,
                    source_message_id=None,
                    recorded_by="system:closing",
                    created_at=opening,
                    sealed_cents=cents,
                    sealed_rows=count,
                )
                chain.closed = d
        for k in range(per_day):
            for chain in chains:
                if produced >= n:
                    return
                assert chain.today is not None
                now = opening + timedelta(seconds=k * 36_000 // per_day, microseconds=k)
                pick = rng.random()
                if pick < 0.03 and chain.today:
                    old = chain.today.pop(rng.randrange(len(chain.today)))
                    who = f"member:M{old.member_id:05d}"
                    row_id += 1
                    produced += 1
                    yield _row(
                        chain,
                        row_id,
                        kind="reversal",
                        business_date=day,
                        member_id=old.member_id,
                        product_id=old.product_id,
                        product=old.product,
                        quantity=-old.quantity,
                        vat_rate_bp=old.vat_rate_bp,
                        payment=old.payment,
                        amount_cents=-old.amount_cents,
                        corrects_id=old.id,
                        corrects_date=None,
                        source_message_id=None,
                        recorded_by=who,
                        created_at=now,
                        sealed_cents=None,
                        sealed_rows=None,
                    )
                    if pick < 0.01:  # a correction: the replacement follows its reversal
                        row_id += 1
                        produced += 1
                        yield _row(
                            chain,
                            row_id,
                            kind="replacement",
                            business_date=day,
                            member_id=old.member_id,
                            product_id=old.product_id,
                            product=old.product,
                            quantity=old.quantity,
                            vat_rate_bp=old.vat_rate_bp,
                            payment="card",
                            amount_cents=old.amount_cents - 100,
                            corrects_id=old.id,
                            corrects_date=None,
                            source_message_id=None,
                            recorded_by=who,
                            created_at=now,
                            sealed_cents=None,
                            sealed_rows=None,
                        )
                    continue
                member = rng.choice(chain.members)
                product = rng.choice(chain.products)
                quantity = rng.randint(1, 6)
                row_id += 1
                produced += 1
                row = _row(
                    chain,
                    row_id,
                    kind="sale",
                    business_date=day,
                    member_id=member,
                    product_id=product.id,
                    product=product.name,
                    quantity=quantity,
                    vat_rate_bp=product.vat_rate_bp,
                    payment=rng.choice(("cash", "cash", "cash", "card", "transfer")),
                    amount_cents=quantity * product.default_price_cents,
                    corrects_id=None,
                    corrects_date=None,
                    source_message_id=f"bench:{row_id}",
                    recorded_by=f"member:M{member:05d}",
                    created_at=now,
                    sealed_cents=None,
                    sealed_rows=None,
                )
                chain.today.append(row)
                yield row


def chunks(rows: Iterator[LedgerRow]) -> Iterator[list[LedgerRow]]:
    batch: list[LedgerRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


async def load(db: Database, n: int) -> list[Chain]:
    """Coops, members and products by the ledger's code; the rows in bulk."""

    def setup(conn: Connection) -> list[Chain]:
        now = datetime(YEAR, 1, 1, 8, tzinfo=UTC)
        made = []
        for name, kind, products in (
            (
                "Cuisine du monde",
                "culinary",
                (
                    ("repas", 800, 1000),
                    ("samoussa", 150, 1000),
                    ("gâteau", 350, 550),
                    ("thé", 100, 1000),
                    ("plateau traiteur", 4500, 1000),
                ),
            ),
            (
                "Atelier couture",
                "textile",
                (
                    ("robe", 4500, 2000),
                    ("sac", 2500, 2000),
                    ("trousse", 900, 2000),
                    ("foulard", 1500, 2000),
                    ("coussin", 2000, 2000),
                ),
            ),
        ):
            spec = CoopSpec(
                name,
                kind,
                tuple(ProductSpec(*p) for p in products),  # type: ignore[arg-type]
                starts_on=date(YEAR, 1, 1),
            )
            coop = create_coop(conn, spec, now=now, tz=TZ)
            members = [
                coops_repo.insert_member(
                    conn, coop_id=coop.coop.id, contact_id=None, added_by="bench", joined_at=now
                )
                for _ in range(MEMBERS)
            ]
            made.append(Chain(coop.coop.id, members, coop.products))
        return made

    chains = await db.run(setup)
    rows = generate(chains, n)
    if db.is_sqlite:
        for batch in chunks(rows):
            await db.run(lambda c, b=batch: c.execute(insert(sales), [r.values() for r in b]))
    else:
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            apg: Any = raw.driver_connection
            for batch in chunks(rows):
                records = [tuple(getattr(r, c) for c in COLUMNS) for r in batch]
                await apg.copy_records_to_table("sales", records=records, columns=list(COLUMNS))
            await conn.commit()

    def heads(conn: Connection) -> None:
        for chain in chains:  # as the closings did: the closed days' sums
            assert chain.closed is not None
            sales_repo.summarize_days(conn, chain.coop_id, after=None, through=chain.closed)
            conn.execute(
                update(ledger_heads)
                .where(ledger_heads.c.coop_id == chain.coop_id)
                .values(
                    last_seq=chain.seq,
                    last_id=chain.last_id,
                    last_hash=chain.last_hash,
                    closed_through=chain.closed,
                )
            )
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('sales_id_seq', (SELECT max(id) FROM sales))"))
        conn.execute(text("ANALYZE"))

    await db.run(heads)
    return chains


async def timed(
    db: Database, fn: Callable[[Connection], Any], runs: int
) -> tuple[list[float], list[float]]:
    """Wall times, and this process's CPU times (on SQLite, the database's work too)."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        await db.run(fn)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def export(url: str, args: list[str]) -> tuple[float, int, int]:
    """The real `python -m bot export-sales …` into a pipe: seconds, bytes, peak RSS (KiB)."""
    env = dict(os.environ, DATABASE_URL=url)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    size = 0
    while block := proc.stdout.read(1 << 16):
        size += len(block)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"export failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return time.perf_counter() - t0, size, usage.ru_maxrss


def ms(runs: tuple[list[float], list[float]]) -> str:
    wall, cpu = runs
    return (
        f"median {statistics.median(wall) * 1000:7.1f} ms  max {max(wall) * 1000:7.1f} ms  "
        f"(CPU here: median {statistics.median(cpu) * 1000:6.1f} ms)"
    )


async def bench(name: str, url: str) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await truncate_all(db)
    t0 = time.perf_counter()
    chains = await load(db, ROWS)
    print(
        f"{name:<10} loaded {ROWS:,} chained rows in {time.perf_counter() - t0:.1f} s", flush=True
    )
    coop = chains[0].coop_id
    for label, start, end in (
        ("one month (2025-06)", date(YEAR, 6, 1), date(YEAR, 7, 1)),
        ("full year (2025)", date(YEAR, 1, 1), date(YEAR + 1, 1, 1)),
    ):
        for by in ("day", "member", "product"):
            runs = await timed(
                db, lambda c, by=by, s=start, e=end: totals(c, by, coop_id=coop, start=s, end=e), 5
            )
            print(f"{name:<10} aggregate by {by:<8} one coop, {label:<20} {ms(runs)}", flush=True)
    t0, c0 = time.perf_counter(), time.process_time()
    verdict = await db.run(verify)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert verdict.ok, verdict.broken
    print(
        f"{name:<10} sales verify: {verdict.rows:,} rows ({verdict.closings} closings) "
        f"in {took:.2f} s (CPU here: {cpu:.2f} s; rechecked in Python: {verdict.rechecked})",
        flush=True,
    )
    await db.dispose()

    base = export(url, ["coop", "list"])[2]
    for label, args in (
        ("one month", ["--coop", "Cuisine du monde", "--month", "2025-06"]),
        ("full year", ["--coop", "Cuisine du monde"]),
    ):
        took, size, rss = export(url, ["export-sales", *args])
        print(
            f"{name:<10} export-sales CSV, {label:<9} {size / 1e6:6.1f} MB in {took:5.1f} s, "
            f"peak RSS {rss / 1024:5.0f} MiB (`coop list`: {base / 1024:.0f} MiB)",
            flush=True,
        )

    db = Database(url)
    member = chains[0].members[0]
    entry = SaleEntry(coop, member, "repas", 1, 800, product_id=chains[0].products[0].id)
    now = datetime(YEAR + 1, 1, 3, 10, tzinfo=UTC)  # closes the year's last days first
    await db.run(lambda c: record_sale(c, entry, Actor.member(member), now=now, tz=TZ))
    runs = await timed(
        db, lambda c: record_sale(c, entry, Actor.member(member), now=now, tz=TZ), 200
    )
    print(f"{name:<10} record_sale on the full ledger: {ms(runs)}", flush=True)
    assert (await db.run(verify)).ok
    await db.dispose()


async def main() -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"ledger benchmark, {ROWS:,} rows, on {os.cpu_count()} cores, load average {load} "
        "(targets: aggregates < 500 ms, verify < 10 s, export memory flat)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        await bench("sqlite", f"sqlite+aiosqlite:///{tmp}/ledger.db")
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        await bench("postgresql", pg)
    else:
        print("postgresql skipped: set BENCH_PG_URL (make bench does)")


if __name__ == "__main__":
    asyncio.run(main())
