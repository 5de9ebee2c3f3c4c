"""Broadcast benchmark: 10,000 recipients through the fake Telegram and Twilio servers.

The app runs as each database runs in production: on SQLite one uvicorn process (webhooks,
outbox sender and broadcast runner, as `make run` runs them); on PostgreSQL the web process
receives and a `python -m bot worker` process sends (WORKER_ENABLED, as compose runs them).
The fakes run each in their own process. While the
broadcast goes out, people keep writing (an open loop of webhooks from new users).
Prints: the time to queue the broadcast (recipients written) and to hand it all to the
outbox; sends per second per channel against the configured rate (target >= 95%); the
p99 of conversation replies on the wire during the broadcast against a run without it
(target <= 2x); the app's memory over the run (flat); recipients sent twice (target 0).

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--chat-rate 4]
    BENCH_PG_URL=postgresql+asyncpg://… python bench/broadcast.py   # also PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fakes import FakeProcess, addressee, hosted_app, servers  # noqa: E402
from bench.webhooks import RawClient, _pct, telegram_request, whatsapp_request  # noqa: E402
from bot.channels.base import RateLimit  # noqa: E402

# The rates the channels are configured with (messages/s, whole channel).
TELEGRAM_RATE = 30.0
WHATSAPP_RATE = 80.0
TEXTS = {
    "fr": "📅 Atelier demain à 10 h, à la Maison des associations.",
    "ar": "📅 ورشة غدا الساعة 10، في دار الجمعيات.",
    "prs": "📅 ورکشاپ فردا ساعت 10، در خانه انجمن‌ها.",
    "ti": "📅 ዎርክሾፕ ጽባሕ ሰዓት 10።",
}


def make_app() -> Starlette:
    """The app as `make run` builds it, with the channels' rates of this benchmark."""
    rates = {"telegram": TELEGRAM_RATE, "whatsapp": WHATSAPP_RATE}
    return hosted_app(
        lambda channel: RateLimit(
            per_address_per_second=1.0, per_address_burst=3, global_per_second=rates[channel]
        )
    )


def daytime_zone() -> str:
    """A zone where it is about noon now, so that quiet hours never pause the run."""
    offset = 12 - datetime.now(UTC).hour
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def prepare(url: str, recipients: int, whatsapp_share: float) -> None:
    """Migrate, seed, and write the recipients: consenting contacts in four languages,
    on Telegram and WhatsApp (inside the 24-hour window)."""
    from sqlalchemy import insert

    from bot.core.content import seed_if_empty
    from bot.db.migrate import truncate_all, upgrade
    from bot.db.session import Database
    from bot.db.tables import contacts, identities

    upgrade(url)
    langs = ("fr", "ar", "prs", "ti")
    n_wa = round(recipients * whatsapp_share)

    def write(conn: Any) -> None:
        now = datetime.now(UTC)
        ids = (
            conn.execute(
                insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True),
                [
                    {
                        "lang": langs[i % 4],
                        "consent": True,
                        "consent_at": now,
                        "fields": {},
                        "created_at": now,
                        "last_seen_at": now,
                    }
                    for i in range(recipients)
                ],
            )
            .scalars()
            .all()
        )
        conn.execute(
            insert(identities),
            [
                {
                    "contact_id": cid,
                    "channel": "whatsapp" if i < n_wa else "telegram",
                    "address": f"+3370{i:07d}" if i < n_wa else str(20_000_000 + i),
                    "last_inbound_at": now - timedelta(hours=2),
                    "unreachable": False,
                    "created_at": now,
                }
                for i, cid in enumerate(ids)
            ],
        )

    async def run() -> None:
        db = Database(url)
        await truncate_all(db)
        await seed_if_empty(db)
        await db.run(write)
        await db.dispose()

    asyncio.run(run())


def rss_mb(*pids: int) -> float:
    """The processes' resident memory together (the app, and its worker if any)."""
    total = 0.0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            return float("nan")
        total += next((int(x.split()[1]) / 1024 for x in lines if x.startswith("VmRSS:")), 0.0)
    return total


async def chat_load(
    base: str, seconds: float, rate: float, offset: int, fakes: dict[str, FakeProcess]
) -> list[float]:
    """New users write at `rate`/s (alternately Telegram and WhatsApp); returns the
    seconds from each webhook to its reply at the fake."""
    host, port = base.removeprefix("http://").split(":")
    client = RawClient(host, int(port), 16)
    await client.open()
    started: dict[str, float] = {}
    tasks = []
    t0 = time.perf_counter()
    i = 0
    while time.perf_counter() - t0 < seconds:
        build = telegram_request if i % 2 == 0 else whatsapp_request
        path, body, headers, key = build(offset + i)
        started[key] = time.time()
        tasks.append(asyncio.create_task(client.post(path, body, headers)))
        i += 1
        await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
    statuses = Counter(await asyncio.gather(*tasks))
    await client.close()
    if set(statuses) - {200}:
        print(f"  webhook answers: {dict(statuses)}", file=sys.stderr)
    replies: dict[str, float] = {}
    deadline = time.monotonic() + 60
    while len(replies) < len(started) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        for fake in fakes.values():
            for c in fake.sent():
                key = addressee(c)
                if key in started and key not in replies:
                    replies[key] = c["at"]
    LAST_MISSING[0] = len(started) - len(replies)
    LAST_BY_CHANNEL.clear()
    for k in replies:
        channel = "whatsapp" if k.startswith("whatsapp:") else "telegram"
        LAST_BY_CHANNEL.setdefault(channel, []).append(replies[k] - started[k])
    return [replies[k] - started[k] for k in replies]


# The last chat_load's latencies per channel (printed beside the overall figures).
LAST_BY_CHANNEL: dict[str, list[float]] = {}
LAST_MISSING = [0]  # and how many of its replies never reached a fake within 60 s


async def run_broadcast(url: str, n: int) -> tuple[int, int, float]:
    """(broadcast id, recipients, seconds to write them), through the service the CLI uses."""
    from bot.broadcasts.audience import Audience
    from bot.broadcasts.service import BroadcastService
    from bot.db.session import Database
    from bot.settings import Settings

    db = Database(url)
    settings = Settings(_env_file=None, database_url=url, timezone=daytime_zone())  # type: ignore[call-arg]
    t0 = time.perf_counter()
    created = await BroadcastService(db, settings).new(texts=TEXTS, audience=Audience(), by="bench")
    elapsed = time.perf_counter() - t0
    await db.dispose()
    assert created.recipients == n, created
    return created.id, created.recipients, elapsed


async def waiting(url: str) -> int:
    from sqlalchemy import text

    from bot.db.session import Database

    db = Database(url)
    async with db.connect() as conn:
        n = (
            await conn.execute(
                text("SELECT COUNT(*) FROM broadcast_recipients WHERE status = 'waiting'")
            )
        ).scalar_one()
    await db.dispose()
    return int(n)


def bench(name: str, url: str, args: argparse.Namespace, tmp: str) -> bool:
    prepare(url, args.recipients, args.whatsapp_share)
    # As each database runs in production: SQLite in one process (`make run`), PostgreSQL
    # with the web process receiving and a worker sending (compose, WORKER_ENABLED).
    worker = not url.startswith("sqlite")
    with servers(
        "bench.broadcast:make_app",
        url,
        tmp,
        worker=worker,
        TIMEZONE=daytime_zone(),
        TRANSLATION_BACKEND="none",
    ) as running:
        base, fakes, pids = running.base, running.fakes, running.pids
        asyncio.run(chat_load(base, 3, args.chat_rate, 9_000_000, fakes))  # warm-up
        baseline = asyncio.run(chat_load(base, args.baseline, args.chat_rate, 1_000_000, fakes))
        missing = LAST_MISSING[0]
        for fake in fakes.values():
            fake.sent()  # (the fakes keep every call; the broadcast's are told apart by address)
        memory: list[float] = [rss_mb(*pids)]
        bid, n, queue_s = asyncio.run(run_broadcast(url, args.recipients))
        t_queued = time.time()

        async def during() -> tuple[list[float], float]:
            load = asyncio.create_task(
                chat_load(base, args.chat_seconds, args.chat_rate, 3_000_000, fakes)
            )
            handed_at = float("nan")
            while not load.done() or handed_at != handed_at:
                memory.append(rss_mb(*pids))
                if handed_at != handed_at and await waiting(url) == 0:
                    handed_at = time.time() - t_queued
                await asyncio.sleep(1.0)
                if time.time() - t_queued > args.timeout:
                    break
            return await load, handed_at

        replies, handed_s = asyncio.run(during())
        during_by_channel = dict(LAST_BY_CHANNEL)
        missing += LAST_MISSING[0]
        # Every recipient's message on the wire (or the time limit).
        deadline = time.time() + args.timeout
        sends: dict[str, list[float]] = {}
        while time.time() < deadline:
            sends = {
                ch: [c["at"] for c in fake.sent() if _is_recipient(ch, c)]
                for ch, fake in fakes.items()
            }
            memory.append(rss_mb(*pids))
            if sum(len(v) for v in sends.values()) >= n:
                break
            time.sleep(1.0)
        per_address = Counter(
            addressee(c) for ch, fake in fakes.items() for c in fake.sent() if _is_recipient(ch, c)
        )
        twice = sum(1 for v in per_address.values() if v > 1)
        got = len(per_address)

    shape = "web process + worker" if worker else "one process"
    print(f"{name} ({shape}): broadcast {bid} to {n} recipients")
    print(
        f"  queued (recipients written) in {queue_s:.2f} s; all handed to the outbox after "
        f"{handed_s:.1f} s"
    )
    ok = True
    for ch, rate in (("telegram", TELEGRAM_RATE), ("whatsapp", WHATSAPP_RATE)):
        times = sorted(sends.get(ch, []))
        if len(times) < 2:
            continue
        achieved = (len(times) - 1) / (times[-1] - times[0])
        share = achieved / rate
        ok &= share >= 0.95
        print(
            f"  {ch:9s} {len(times):6d} sent at {achieved:6.1f}/s = {share:6.1%} of the "
            f"configured {rate:.0f}/s (target >= 95%)"
        )
    b99, d99 = _pct(baseline, 99), _pct(replies, 99)
    ok &= d99 <= 2 * b99
    print(
        f"  replies on the wire: without the broadcast p50 {_pct(baseline, 50) * 1000:.0f} ms "
        f"p99 {b99 * 1000:.0f} ms ({len(baseline)}); during it p50 {_pct(replies, 50) * 1000:.0f}"
        f" ms p99 {d99 * 1000:.0f} ms ({len(replies)}) = {d99 / b99:.1f}x (target <= 2x)"
    )
    ok &= missing == 0
    print(f"  replies never on the wire within 60 s: {missing} (target 0)")
    for ch, lat in sorted(during_by_channel.items()):
        print(
            f"    {ch}: during p50 {_pct(lat, 50) * 1000:.0f} ms p99 {_pct(lat, 99) * 1000:.0f} ms"
            f" ({len(lat)})"
        )
    valid = [m for m in memory if m == m]
    tenth = valid[len(valid) // 10] if valid else float("nan")
    print(
        f"  app memory (RSS, with its worker): {valid[0]:.0f} MB before, "
        f"{tenth:.0f} MB at 10% of the run, "
        f"{max(valid):.0f} MB at most, {valid[-1]:.0f} MB at the end"
    )
    ok &= got == n and twice == 0
    print(f"  recipients reached {got}/{n}, sent twice {twice} (target 0)")
    print(f"  targets: {'met' if ok else 'NOT met'}")
    return ok


def _is_recipient(channel: str, call: dict[str, Any]) -> bool:
    if channel == "telegram":
        return int(call["params"].get("chat_id", 0)) >= 20_000_000
    return str(call["params"].get("To", "")).startswith("whatsapp:+3370")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--whatsapp-share",
        type=float,
        default=0.7,
        help="of the recipients on WhatsApp (the rest on Telegram); 0.7 makes both channels "
        "take about as long at 80/s and 30/s",
    )
    parser.add_argument("--chat-rate", type=float, default=4.0, help="people writing, per second")
    parser.add_argument("--baseline", type=float, default=20.0, help="seconds without broadcast")
    parser.add_argument("--chat-seconds", type=float, default=60.0, help="seconds of chat during")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(
        f"app: uvicorn (webhooks; on SQLite also the sender and broadcast runner, on "
        f"PostgreSQL a `python -m bot worker` beside it sends); fakes in their own "
        f"processes; rates: Telegram {TELEGRAM_RATE:.0f}/s, WhatsApp {WHATSAPP_RATE:.0f}/s; "
        f"{args.chat_rate:.0f} new users writing per second",
        file=sys.stderr,
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        ok &= bench("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", args, tmp)
        pg = os.environ.get("BENCH_PG_URL")
        if pg:
            ok &= bench("postgresql", pg, args, tmp)
        else:
            print("postgresql skipped: set BENCH_PG_URL (make bench does)")


if __name__ == "__main__":
    main()
