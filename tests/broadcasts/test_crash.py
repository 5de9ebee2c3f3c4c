"""Exactly once, from outside: real `python -m bot worker` processes send a broadcast
through the fake Telegram API; one is SIGKILLed mid-broadcast and restarted; two share a
broadcast on PostgreSQL.

What "once" means here (DESIGN.md, message path): each recipient is handed to the outbox
exactly once (one row per recipient, whatever the crash); delivery is at-least-once, so
a message the killed worker had in flight (claimed, possibly already at Telegram, its
outcome not yet written) may go a second time — and no other may.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update

from bot.broadcasts.audience import Audience
from bot.broadcasts.service import BroadcastService
from bot.core.content import seed_if_empty
from bot.db.session import Database
from bot.db.tables import outbox
from bot.settings import Settings
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.crash


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


class Workers:
    def __init__(self, db: Database, fake: FakeTelegram, url: str, zone: str) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))},
            "DATABASE_URL": db.url,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": url,
            "TIMEZONE": zone,
            "LOG_LEVEL": "WARNING",
            "WORKER_ENABLED": "true",
        }
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(db: Database, telegram: tuple[FakeTelegram, str]) -> Iterator[Workers]:
    w = Workers(db, *telegram, daytime_zone())
    yield w
    w.stop_all()


def wait_for(check: Callable[[], bool], procs: list[subprocess.Popen[bytes]], limit: float) -> None:
    deadline = time.monotonic() + limit
    while not check():
        for proc in procs:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise AssertionError(f"a worker exited ({proc.returncode}): {err[-2000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


async def start_broadcast(db: Database, zone: str, n: int) -> tuple[int, list[int]]:
    await seed_if_empty(db)
    ids = await db.run(add_people, [Person("fr") for _ in range(n)])
    settings = Settings(_env_file=None, database_url=db.url, timezone=zone)  # type: ignore[call-arg]
    created = await BroadcastService(db, settings).new(
        texts={"fr": "📅 Atelier demain à 10 h"}, audience=Audience(), by="nadia"
    )
    assert created.recipients == n
    return created.id, ids


async def chat_ids(db: Database) -> set[int]:
    return {int(r.address) for r in await rows(db, "SELECT address FROM channel_identities")}


async def check_once(db: Database, broadcast_id: int, n: int) -> None:
    """One outbox row and one recipient per contact; every recipient sent."""
    per_contact = await rows(
        db,
        "SELECT contact_id, COUNT(*) FROM outbox WHERE purpose = 'broadcast' GROUP BY contact_id",
    )
    assert len(per_contact) == n and {c for _, c in per_contact} == {1}
    settings = Settings(_env_file=None, database_url=db.url)  # type: ignore[call-arg]
    progress = await BroadcastService(db, settings).progress(broadcast_id)
    assert {s: c for s, c in progress.counts.items() if c} == {"sent": n}


async def test_worker_killed_mid_broadcast_and_restarted(
    db: Database, telegram: tuple[FakeTelegram, str], workers: Workers
) -> None:
    fake, _ = telegram
    n = 150
    broadcast_id, _ = await start_broadcast(db, workers.env["TIMEZONE"], n)
    everyone = await chat_ids(db)

    first = workers.start()
    wait_for(lambda: len(fake.sent()) >= n // 3, [first], 120)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = Counter(int(c.params["chat_id"]) for c in fake.sent())
    assert 0 < sum(at_kill.values()) < n, "killed too late: nothing was left to send"
    in_flight = {
        int(r.address)
        for r in await rows(db, "SELECT address FROM outbox WHERE status = 'sending'")
    }

    # The killed worker's leases run out (instead of waiting for them in real time).
    async with db.begin() as conn:
        await conn.execute(
            update(outbox)
            .where(outbox.c.status == "sending")
            .values(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    second = workers.start()

    async def done() -> bool:
        left = await rows(
            db,
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"
            " UNION ALL SELECT COUNT(*) FROM broadcast_recipients WHERE status = 'waiting'",
        )
        return all(c == 0 for (c,) in left)

    wait_for(lambda: set(int(c.params["chat_id"]) for c in fake.sent()) == everyone, [second], 120)
    deadline = time.monotonic() + 30
    while not await done():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    workers.stop_all()

    sends = Counter(int(c.params["chat_id"]) for c in fake.sent())
    assert set(sends) == everyone  # nobody missed
    repeated = {chat for chat, count in sends.items() if count > 1}
    assert max(sends.values()) <= 2
    # A repeat only where the killed worker had the message in flight and had sent it.
    assert repeated <= in_flight & set(at_kill), (len(repeated), len(in_flight))
    print(
        f"\n{db.url.split(':')[0]}: {len(at_kill)} sent before the kill, "
        f"{len(in_flight)} in flight, {len(repeated)} sent twice"
    )
    await check_once(db, broadcast_id, n)


async def test_two_workers_share_a_broadcast_on_postgresql(
    db: Database, telegram: tuple[FakeTelegram, str], workers: Workers
) -> None:
    if db.is_sqlite:
        pytest.skip("several workers share the outbox on PostgreSQL only (one on SQLite)")
    fake, _ = telegram
    n = 240
    broadcast_id, _ = await start_broadcast(db, workers.env["TIMEZONE"], n)
    everyone = await chat_ids(db)
    procs = [workers.start(), workers.start()]
    wait_for(lambda: len(fake.sent()) >= n, procs, 120)
    time.sleep(1.0)  # anything sent twice would arrive now
    workers.stop_all()
    sends = Counter(int(c.params["chat_id"]) for c in fake.sent())
    assert set(sends) == everyone and max(sends.values()) == 1
    await check_once(db, broadcast_id, n)
    async with db.connect() as conn:
        states = (await conn.execute(text("SELECT state FROM broadcasts"))).scalars().all()
    assert states == ["sent"]
