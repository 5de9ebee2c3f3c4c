"""Delivery benchmark: the outbox sender against fake platforms in processes of their own.

1. Replies delivered per second, with one WhatsApp number whose sends hang, against the
   same run with none (target: at least 90% of the unhindered rate). The sender runs in a
   worker process built as `python -m bot worker` builds it, with the platforms' rate limits
   lifted (else it measures Telegram's 30/s, not us); the outbox is filled beforehand.
2. Time from a restart after SIGKILL to the last stuck reply delivered (target: at most the
   lease + 5 s): the real `python -m bot worker` claims replies while the platforms hold
   every send, is SIGKILLed, and a new one is started on the same database.

    .venv/bin/python bench/delivery.py [--replies 1500] [--runs 2]
    BENCH_PG_URL=postgresql+asyncpg://… .venv/bin/python bench/delivery.py   # PostgreSQL too
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.db.migrate import truncate_all, upgrade  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.delivery import outbox  # noqa: E402
from bot.delivery.payload import Payload  # noqa: E402
from tests.fakes.processes import BotProcess, FakeProcess  # noqa: E402
from tests.fakes.scripting import HANG  # noqa: E402
from tests.fakes.webhooks import bot_env  # noqa: E402

HANGING = "+33699999999"
SEND_METHOD = {"telegram": "sendMessage", "whatsapp": "messages"}
LEASE = 30.0  # the default OUTBOX_LEASE_SECONDS


def worker_with_lifted_limits() -> None:
    """`python bench/delivery.py --worker`: the worker's services, platform limits lifted."""
    from bot.channels.base import RateLimit
    from bot.cli.runtime import configure_logging
    from bot.services import Services
    from bot.settings import Settings

    async def main() -> None:
        settings = Settings()
        configure_logging(settings)
        svc = Services(settings)
        svc.install_channels()
        for channel in svc.hosted:
            channel.rate_limit = RateLimit(
                per_address_per_second=1000, per_address_burst=1000, global_per_second=100_000
            )
        await svc.open()
        await svc.start_background(receive=False, deliver=True)
        await asyncio.Event().wait()

    asyncio.run(main())


async def prepare(url: str) -> Database:
    await asyncio.to_thread(upgrade, url)
    return Database(url)


async def refill(db: Database, replies: int, hanging: bool) -> None:
    """An empty outbox, then `replies` replies per channel to as many people."""
    await truncate_all(db)
    if db.is_sqlite:
        async with db.begin() as conn:
            for table in ("outbox", "rate_limits"):
                await conn.execute(text(f"DELETE FROM {table}"))
    now = datetime.now(UTC)
    rows = [
        outbox.OutboxRow(None, channel, address, Payload(f"Réponse {i}"), now, inbound_at=now)
        for i in range(replies)
        for channel, address in (("telegram", str(10_000_000 + i)), ("whatsapp", f"+3360{i:07d}"))
    ]
    if hanging:  # a few replies to one number whose sends hang, among the first queued
        rows[4:4] = [
            outbox.OutboxRow(None, "whatsapp", HANGING, Payload(f"Bloqué {n}"), now, inbound_at=now)
            for n in range(3)
        ]
    await db.run(outbox.enqueue, rows)
    if not db.is_sqlite:  # statistics, as autovacuum keeps them on a table in use
        async with db.begin() as conn:
            await conn.execute(text("ANALYZE outbox"))


async def count(db: Database, where: str) -> int:
    async with db.connect() as conn:
        return int(
            (await conn.execute(text(f"SELECT COUNT(*) FROM outbox WHERE {where}"))).scalar()
        )


async def throughput(
    db: Database, fakes: dict[str, FakeProcess], env: dict[str, str], replies: int, hanging: bool
) -> float:
    """Replies per second reaching the fakes (the hanging number's aside)."""
    for fake in fakes.values():
        fake.delay(0)
        fake.reset()
    if hanging:
        fakes["whatsapp"].delay(HANG, to=f"whatsapp:{HANGING}")
    await refill(db, replies, hanging)
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    worker = BotProcess("worker", env, log, argv=argv).start()
    try:
        deadline = time.monotonic() + 300
        while await count(db, "status = 'sent'") < 2 * replies:
            if time.monotonic() > deadline or not worker.alive():
                raise SystemExit(f"the worker did not deliver; see {log}")
            await asyncio.sleep(0.2)
    finally:
        worker.kill()
    times = [
        c["at"]
        for ch, fake in fakes.items()
        for c in fake.calls(SEND_METHOD[ch])
        if c["to"] != f"whatsapp:{HANGING}"
    ]
    assert len(times) == 2 * replies, (len(times), 2 * replies)
    times.sort()
    log.unlink(missing_ok=True)
    return (len(times) - 1) / (times[-1] - times[0])


async def restart(
    db: Database, fakes: dict[str, FakeProcess], env: dict[str, str], replies: int, tmp: Path
) -> tuple[int, float, float]:
    """(stuck rows, s to the last stuck reply, s to everything) from the restart."""
    for fake in fakes.values():
        fake.delay(0)
        fake.reset()
        fake.delay(HANG)  # the platforms hold every send
    await refill(db, replies, hanging=False)
    first = BotProcess("worker", env, tmp / "worker-1.log").start()
    deadline = time.monotonic() + 120
    while not all(len(f.calls(SEND_METHOD[ch])) >= 8 for ch, f in fakes.items()):
        if time.monotonic() > deadline:
            raise SystemExit(f"no sends in flight; see {tmp / 'worker-1.log'}")
        await asyncio.sleep(0.1)
    first.kill()
    async with db.connect() as conn:
        stuck = [
            r[0] for r in await conn.execute(text("SELECT id FROM outbox WHERE status = 'sending'"))
        ]
    for fake in fakes.values():
        fake.delay(0)
    started = time.time()
    second = BotProcess("worker", env, tmp / "worker-2.log").start()
    try:
        deadline = time.monotonic() + LEASE + 120
        ids = ",".join(map(str, stuck))
        while await count(db, f"id IN ({ids}) AND status <> 'sent'"):
            if time.monotonic() > deadline or not second.alive():
                raise SystemExit(f"stuck replies not delivered; see {second.log}")
            await asyncio.sleep(0.1)
        last_stuck = time.time()
        while await count(db, "status <> 'sent'"):
            await asyncio.sleep(0.1)
        everything = time.time()
    finally:
        second.stop()
    return len(stuck), last_stuck - started, everything - started


async def bench(
    name: str, url: str, args: argparse.Namespace, fakes: dict[str, FakeProcess]
) -> None:
    db = await prepare(url)
    env = bot_env(
        url,
        fakes["telegram"].url,
        fakes["whatsapp"].url,
        WORKER_ENABLED="true",
        LOG_LEVEL="WARNING",
    )
    none, hang = [], []
    for _ in range(args.runs):  # interleaved: the machine's noise hits both alike
        none.append(await throughput(db, fakes, env, args.replies, hanging=False))
        hang.append(await throughput(db, fakes, env, args.replies, hanging=True))
    ratio = statistics.median(hang) / statistics.median(none)
    verdict = "met" if ratio >= 0.9 else "NOT met"
    print(
        f"{name:<10} replies/s, none hanging: {', '.join(f'{r:.0f}' for r in none)}; "
        f"one number hanging: {', '.join(f'{r:.0f}' for r in hang)} "
        f"-> {ratio:.0%} of the unhindered rate (target >= 90%: {verdict})",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as tmp:
        stuck, last, everything = await restart(db, fakes, env, args.restart_replies, Path(tmp))
    verdict = "met" if last <= LEASE + 5 else "NOT met"
    print(
        f"{name:<10} restart after SIGKILL: {stuck} replies stuck `sending`; the last of them "
        f"delivered {last:.1f} s after the new worker started (everything: {everything:.1f} s); "
        f"lease {LEASE:.0f} s (target <= {LEASE + 5:.0f} s: {verdict})",
        flush=True,
    )
    await db.dispose()


async def main(args: argparse.Namespace) -> None:
    fakes = {"telegram": FakeProcess("telegram"), "whatsapp": FakeProcess("twilio")}
    for fake in fakes.values():
        fake.wait()
    print(
        f"delivery benchmark on {os.cpu_count()} cores: {args.replies} replies per channel per "
        f"run, fakes in their own processes, 8 sends in flight per channel",
        flush=True,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="bench-delivery-db-") as tmp:
            await bench("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", args, fakes)
        pg = os.environ.get("BENCH_PG_URL")
        if pg:
            await bench("postgresql", pg, args, fakes)
        else:
            print("postgresql skipped: set BENCH_PG_URL (make bench does)")
    finally:
        for fake in fakes.values():
            fake.delay(0)
            fake.stop()


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker_with_lifted_limits()
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1500, help="replies per channel per run")
    parser.add_argument("--runs", type=int, default=2, help="runs of each kind, interleaved")
    parser.add_argument("--restart-replies", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
