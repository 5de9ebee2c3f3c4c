"""Messages through dispatcher + NLU + engine + database (+ outbox delivery), per backend.

Two runs per database:
- open loop: messages arrive at a fixed rate from many contacts (as real traffic does);
  latency is from arrival to commit, so any backlog shows in p99;
- closed loop: 64 contacts send as fast as replies commit, for the ceiling in messages/s.
The outbox sender runs at the same time, delivering to a recording channel.

    python bench/pipeline.py                     # SQLite
    BENCH_PG_URL=postgresql+asyncpg://… python bench/pipeline.py   # also PostgreSQL
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.core.messages import InboundMessage
from bot.db.migrate import truncate_all, upgrade
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings

# A realistic mix: onboarding, then menu navigation, a sentence, a misunderstanding.
OPENING = ["bonjour", "1", "1"]
LOOP = ["1", "2", "je veux noter mes ventes", "menu", "7", "1", "xyz", "/menu", "5", "2"]
RATE = float(os.environ.get("BENCH_RATE", "500"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


def script() -> itertools.chain[str]:
    return itertools.chain(OPENING, itertools.cycle(LOOP))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def prepare(url: str) -> Database:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    await truncate_all(db)
    await seed_if_empty(db)
    return db


async def open_loop(svc: Services, rate: float, seconds: float) -> tuple[int, float, list[float]]:
    assert svc.dispatcher is not None
    contacts = max(100, int(rate * 2))  # each contact writes about every two seconds
    lines = [script() for _ in range(contacts)]
    busy: set[int] = set()
    latencies: list[float] = []
    ids = itertools.count()
    total = int(rate * seconds)
    start = time.perf_counter()

    async def one(n: int, c: int, due: float) -> None:
        await svc.dispatcher.handle(
            InboundMessage(  # type: ignore[union-attr]
                "bench", f"open-{c}", f"o{n}", next(lines[c])
            )
        )
        latencies.append(time.perf_counter() - due)
        busy.discard(c)

    tasks = []
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        c = next(ids) % contacts
        while c in busy:  # never two messages of one contact in flight
            c = next(ids) % contacts
        busy.add(c)
        tasks.append(asyncio.create_task(one(n, c, due)))
    await asyncio.gather(*tasks)
    return total, time.perf_counter() - start, latencies


async def closed_loop(
    svc: Services, contacts: int, per_contact: int
) -> tuple[int, float, list[float]]:
    assert svc.dispatcher is not None
    latencies: list[float] = []

    async def person(c: int) -> None:
        lines = script()
        for i in range(per_contact):
            t0 = time.perf_counter()
            await svc.dispatcher.handle(
                InboundMessage(  # type: ignore[union-attr]
                    "bench", f"closed-{c}", f"c{c}-{i}", next(lines)
                )
            )
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(person(c) for c in range(contacts)))
    return contacts * per_contact, time.perf_counter() - start, latencies


def report(name: str, run: str, n: int, elapsed: float, lat: list[float]) -> None:
    print(
        f"{name:<10} {run:<26} {n:>6} msgs {n / elapsed:>8.0f} msg/s   "
        f"p50 {statistics.median(lat) * 1000:6.2f} ms   p99 {pct(lat, 0.99) * 1000:6.2f} ms   "
        f"max {max(lat) * 1000:6.1f} ms",
        flush=True,
    )


async def bench(name: str, url: str) -> None:
    db = await prepare(url)
    svc = Services(Settings(database_url=url), db=db)
    await svc.open()
    channel = RecordingChannel("bench")
    svc.add_channel(channel)
    await svc.start_background(receive=True, deliver=True)
    # Warm up: first contact creations and code paths.
    await closed_loop(svc, 8, 5)
    n, elapsed, lat = await open_loop(svc, RATE, SECONDS)
    report(name, f"open loop at {RATE:.0f}/s", n, elapsed, lat)
    n, elapsed, lat = await closed_loop(svc, 64, 40)
    report(name, "closed loop, 64 contacts", n, elapsed, lat)
    await asyncio.sleep(0.5)
    print(f"{name:<10} outbox delivered {len(channel.sent)} replies during the runs", flush=True)
    await svc.close()


async def main() -> None:
    print(
        f"pipeline benchmark on {os.cpu_count()} cores "
        "(dispatcher + embedded NLU + engine + DB commit; sender running)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        await bench("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db")
    pg = os.environ.get("BENCH_PG_URL")
    if pg:
        await bench("postgresql", pg)
    else:
        print("postgresql skipped: set BENCH_PG_URL (make bench does)")


if __name__ == "__main__":
    asyncio.run(main())
