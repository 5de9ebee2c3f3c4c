"""Delivery from outside: real `python -m bot serve` and `worker` processes, fake platforms in
processes of their own that hang, answer late, 429, 500 and 403; SIGKILL while rows are
`sending`, restarts on the same database; SQLite and PostgreSQL. The server's standard
error is read after each test: the world (bad updates, disconnects, platform errors, a
restart after SIGKILL) may cause one-line log records, never a traceback."""

from __future__ import annotations

import asyncio
import collections
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bot.core.content import seed_if_empty
from bot.db.session import Database
from tests.fakes.processes import BotProcess, FakeProcess, free_port
from tests.fakes.scripting import HANG
from tests.fakes.telegram_api import BLOCKED, flood
from tests.fakes.twilio_api import SERVER_ERROR
from tests.fakes.webhooks import (
    bot_env,
    chat_id,
    message,
    my_chat_member,
    number,
    recipient,
    telegram_request,
    telegram_update,
)

pytestmark = pytest.mark.crash

CHANNELS = ("telegram", "whatsapp")
SEND_METHOD = {"telegram": "sendMessage", "whatsapp": "messages"}
LEASE = 3.0
IN_FLIGHT = 8


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, FakeProcess]]:
    started = {"telegram": FakeProcess("telegram"), "whatsapp": FakeProcess("twilio")}
    for fake in started.values():
        fake.wait()
    yield started
    for fake in started.values():
        fake.stop()


@dataclass
class World:
    """The bot's processes on one database, and the platforms they talk to."""

    db: Database
    fakes: dict[str, FakeProcess]
    tmp: Path
    processes: list[BotProcess] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    def bot(self, command: str = "serve", **settings: str) -> BotProcess:
        env = bot_env(
            self.db.url,
            self.fakes["telegram"].url,
            self.fakes["whatsapp"].url,
            PORT=str(self.port),
            OUTBOX_LEASE_SECONDS=str(LEASE),
            OUTBOX_MAX_IN_FLIGHT=str(IN_FLIGHT),
            **settings,
        )
        log = self.tmp / f"{command}-{len(self.processes)}.log"
        process = BotProcess(command, env, log).start()
        self.processes.append(process)
        return process

    def sends(self, channel: str) -> list[dict[str, Any]]:
        return self.fakes[channel].calls(SEND_METHOD[channel])

    async def rows(self, where: str = "TRUE", **params: Any) -> list[Any]:
        async with self.db.connect() as conn:
            result = await conn.execute(
                text(f"SELECT * FROM outbox WHERE {where} ORDER BY id"), params
            )
            return list(result.all())

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.db.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    def assert_no_traceback(self) -> None:
        for process in self.processes:
            log = process.stderr()
            assert "Traceback" not in log, f"{process.log.name}:\n{log[-3000:]}"
            assert "Exception in ASGI" not in log, log[-3000:]


@pytest.fixture
async def world(
    db: Database, fakes: dict[str, FakeProcess], tmp_path: Path
) -> AsyncIterator[World]:
    await seed_if_empty(db)
    for fake in fakes.values():
        fake.reset()
    w = World(db, fakes, tmp_path)
    try:
        yield w
    finally:
        for process in w.processes:
            process.stop()
        for fake in fakes.values():
            fake.delay(0)  # answer what still waits


async def post(client: httpx.AsyncClient, request: tuple[str, bytes, dict[str, str]]) -> int:
    path, body, headers = request
    return (await client.post(path, content=body, headers=headers)).status_code


async def converse(client: httpx.AsyncClient, channel: str, user: int, *texts: str) -> None:
    for t in texts:
        assert await post(client, message(channel, user, t)) == 200


async def until(check: Callable[[], Awaitable[bool] | bool], timeout: float, what: str) -> float:
    """Polls until `check` holds; returns when (time.time())."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if await result if isinstance(result, Awaitable) else result:
            return time.time()
        assert time.monotonic() < deadline, f"not in {timeout:.0f} s: {what}"
        await asyncio.sleep(0.1)


def epoch(value: Any) -> float:
    """An outbox time as epoch seconds (SQLite keeps them naive, in UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()


# --- a crash while sending ----------------------------------------------------------------


async def test_sigkill_while_sending_loses_nothing_and_repeats_at_most_what_was_in_flight(
    world: World,
) -> None:
    """30 Telegram and 30 WhatsApp users write twice; the platforms hold every send; the
    server is SIGKILLed with rows `sending`, restarted with slow platforms and SIGKILLed
    again mid-delivery, then restarted once more: every reply arrives, in order, and a
    message is repeated only when it was in flight at a kill (at most 8 per channel each)."""
    users = range(1, 31)
    for fake in world.fakes.values():
        fake.delay(HANG)
    first = world.bot()
    first.wait_healthy()
    async with httpx.AsyncClient(base_url=first.url, timeout=60) as client:
        await asyncio.gather(
            *(converse(client, ch, u, "Bonjour", "1") for ch in CHANNELS for u in users)
        )
    await until(
        lambda: all(len(world.sends(ch)) == IN_FLIGHT for ch in CHANNELS),
        30,
        "8 sends in flight per channel",
    )
    await asyncio.sleep(0.5)
    assert [len(world.sends(ch)) for ch in CHANNELS] == [IN_FLIGHT, IN_FLIGHT]  # the bound
    stuck = await world.rows("status = 'sending'")
    assert len(stuck) >= 2 * IN_FLIGHT
    first.kill()

    # Restart on slow platforms; kill again while sends are in flight.
    for fake in world.fakes.values():
        fake.delay(0)
        fake.delay(0.4)
    before = {ch: len(world.sends(ch)) for ch in CHANNELS}
    second = world.bot()
    second.wait_healthy()
    await until(
        lambda: all(len(world.sends(ch)) >= before[ch] + 2 * IN_FLIGHT for ch in CHANNELS),
        60,
        "delivery resumed after the restart",
    )
    second.kill()
    stuck_ids = [r.id for r in await world.rows("status = 'sending'")]
    assert stuck_ids

    for fake in world.fakes.values():
        fake.delay(0)
    third = world.bot()
    restarted = third.wait_healthy()

    async def all_sent() -> bool:
        return not await world.rows("status <> 'sent'")

    await until(all_sent, 120, "every reply sent")
    rows = await world.rows()
    inbound = await world.scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in'")
    assert inbound == 2 * len(users) * len(CHANNELS)  # every message was processed
    by_address = collections.Counter((r.channel, r.address) for r in rows)
    assert len(by_address) == 2 * len(users) and min(by_address.values()) >= 2

    # The rows stuck `sending` went out within the lease (+5 s) of the restart.
    last_stuck = max(epoch(r.sent_at) for r in rows if r.id in stuck_ids)
    assert last_stuck - restarted <= LEASE + 5, last_stuck - restarted

    for ch in CHANNELS:
        calls = world.sends(ch)
        delivered = {r.provider_id for r in rows if r.channel == ch}
        assert delivered <= {c["result_id"] for c in calls}  # every row is a call that went
        repeats = [c for c in calls if c["result_id"] not in delivered]
        assert 0 < len(repeats) <= 2 * IN_FLIGHT, (ch, len(repeats))
        # A repeat is the same message to the same person, not something else.
        body = "text" if ch == "telegram" else "Body"
        kept = {(c["to"], c["params"].get(body)) for c in calls if c["result_id"] in delivered}
        assert all((c["to"], c["params"].get(body)) in kept for c in repeats)
    # Each person's messages went out in the order they were queued.
    for ch, address in by_address:
        theirs = [r for r in rows if (r.channel, r.address) == (ch, address)]
        by_time = sorted(theirs, key=lambda r: (epoch(r.sent_at), r.id))
        assert [r.id for r in by_time] == [r.id for r in theirs]
    world.assert_no_traceback()


# --- platforms that misbehave ---------------------------------------------------------------


async def test_hanging_late_and_failing_platforms_delay_no_one_else(world: World) -> None:
    """One Telegram chat and one WhatsApp number hang; others answer slowly, late, 429, 500
    or 403. Everyone else's replies arrive at once; each misbehaviour has its outcome."""
    tg, tw = world.fakes["telegram"], world.fakes["whatsapp"]
    hang_tg, hang_wa, slow, late, flooded, erring, blocked = 1, 2, 3, 4, 5, 6, 7
    tg.delay(HANG, to=recipient("telegram", hang_tg))
    tw.delay(HANG, to=recipient("whatsapp", hang_wa))
    tg.delay(1.0, to=recipient("telegram", slow))  # slow, within the timeout
    tg.delay(3.5, to=recipient("telegram", late))  # answers after our 2 s timeout
    tg.fail("sendMessage", flood(2), to=recipient("telegram", flooded))
    tw.fail("messages", SERVER_ERROR, to=recipient("whatsapp", erring))
    tg.fail("sendMessage", BLOCKED, to=recipient("telegram", blocked))
    server = world.bot(OUTBOX_SEND_TIMEOUT_SECONDS="2")
    server.wait_healthy()
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await converse(client, "telegram", hang_tg, "Bonjour")
        await converse(client, "whatsapp", hang_wa, "Bonjour")
        await until(lambda: len(world.sends("whatsapp")) == 1, 10, "the hanging send began")
        # Ten people on each channel write while those sends hang.
        posted = time.time()
        others = range(100, 110)
        await asyncio.gather(
            *(converse(client, ch, u, "Bonjour") for ch in CHANNELS for u in others)
        )

        def answered() -> bool:
            return all(
                {recipient(ch, u) for u in others} <= {c["to"] for c in world.sends(ch)}
                for ch in CHANNELS
            )

        await until(answered, 20, "the others' replies")
        for ch in CHANNELS:
            firsts = {}
            for c in world.sends(ch):
                firsts.setdefault(c["to"], c["at"])
            worst = max(firsts[recipient(ch, u)] - posted for u in others)
            assert worst < 3.0, (ch, worst)  # not behind a hanging call (that takes 2 s+)

        def calls_to(ch: str, user: int) -> list[dict[str, Any]]:
            return [c for c in world.sends(ch) if c["to"] == recipient(ch, user)]

        for user, ch in ((slow, "telegram"), (late, "telegram"), (flooded, "telegram")):
            await converse(client, ch, user, "Bonjour")
        await converse(client, "whatsapp", erring, "Bonjour")
        await converse(client, "telegram", blocked, "Bonjour")
        # The late platform has the message; once our timeout passed, it answers in time.
        await until(lambda: len(calls_to("telegram", late)) == 1, 10, "the late send")
        tg.delay(0, to=recipient("telegram", late))

        async def settled() -> bool:
            done = {(r.channel, r.address): r.status for r in await world.rows()}
            return (
                done.get(("telegram", str(chat_id(slow)))) == "sent"
                and done.get(("telegram", str(chat_id(late)))) == "sent"
                and done.get(("telegram", str(chat_id(flooded)))) == "sent"
                and done.get(("whatsapp", number(erring))) == "sent"
                and done.get(("telegram", str(chat_id(blocked)))) == "failed"
            )

        await until(settled, 40, "each misbehaviour's outcome")

        assert len(calls_to("telegram", slow)) == 1  # slow but in time: sent once
        # Late (after our timeout): the platform had it, we did not know; sent once more.
        late_calls = calls_to("telegram", late)
        assert len(late_calls) == 2 and late_calls[0]["params"] == late_calls[1]["params"]
        flood_calls = calls_to("telegram", flooded)
        assert len(flood_calls) == 2 and flood_calls[1]["at"] - flood_calls[0]["at"] >= 2.0
        assert len(calls_to("whatsapp", erring)) == 2
        assert await world.scalar(
            "SELECT unreachable FROM channel_identities WHERE address = :a",
            a=str(chat_id(blocked)),
        )
        # The hanging sends were cut off after the timeout and wait for their retry.
        hung = await world.rows("address IN (:a, :b)", a=str(chat_id(hang_tg)), b=number(hang_wa))
        assert {r.last_error for r in hung} == {"timeout"}, [r.last_error for r in hung]
        # The blocked user writes again: reachable, and answered.
        await converse(client, "telegram", blocked, "menu")
        await until(lambda: len(calls_to("telegram", blocked)) >= 2, 20, "the returning user")
    world.assert_no_traceback()


async def test_a_blocked_bot_stops_sending_until_the_user_comes_back(world: World) -> None:
    """Telegram `my_chat_member` kicked: the contact is unreachable at once (a reminder
    queued for them is dropped untried); unblocked, or writing again, they are back."""
    server = world.bot()
    server.wait_healthy()
    user = 40
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await converse(client, "telegram", user, "Bonjour")
        await until(lambda: len(world.sends("telegram")) == 1, 20, "the first reply")
        assert await post(client, telegram_request(my_chat_member(user, "kicked"))) == 200
        assert await world.scalar("SELECT unreachable FROM channel_identities")
        async with world.db.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO outbox (channel, address, payload, purpose, priority, status,"
                    " attempts, parts_sent, transient, next_attempt_at, created_at)"
                    " VALUES ('telegram', :a, :p, 'reminder', 10, 'pending', 0, 0, :f,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"a": str(chat_id(user)), "p": json.dumps({"text": "Rappel"}), "f": False},
            )

        async def dropped() -> bool:
            return [r.status for r in await world.rows("purpose = 'reminder'")] == ["failed"]

        await until(dropped, 20, "the reminder dropped")
        assert len(world.sends("telegram")) == 1  # never tried
        assert await post(client, telegram_request(my_chat_member(user, "member"))) == 200
        assert not await world.scalar("SELECT unreachable FROM channel_identities")
    world.assert_no_traceback()


# --- what the world sends us ----------------------------------------------------------------


def _with(update: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**update, "message": {**update["message"], **fields}}


def _deep(depth: int) -> bytes:
    inner = "[" * depth + "]" * depth
    return f'{{"update_id": 1, "message": {inner}}}'.encode()


async def test_bad_updates_and_broken_requests_get_4xx_and_no_traceback(world: World) -> None:
    server = world.bot()
    server.wait_healthy()
    bad = [
        _deep(10_000),
        _deep(100),
        json.dumps(telegram_update(50, "x") | {"message": {"text": "no chat", "date": 1}}).encode(),
        json.dumps(_with(telegram_update(51, "x"), text=12345)).encode(),
        json.dumps(
            {
                "update_id": 777,
                "callback_query": {
                    "id": "1",
                    "chat_instance": "c",
                    "data": "x",
                    "message": telegram_update(52, "x")["message"],
                },
            }
        ).encode(),
    ]
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        for body in bad:
            assert await post(client, telegram_request(body)) == 400, body[:80]
        # A body that is announced and never finished: the client hangs up.
        path, body, headers = telegram_request(telegram_update(53, "Bonjour"))
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body) + 500}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                s.sendall(head.encode() + b"\r\n" + body[:20])
        assert (await client.get("/healthz")).status_code == 200
        # A real message still works.
        await converse(client, "telegram", 54, "Bonjour")
        await until(lambda: len(world.sends("telegram")) == 1, 20, "the reply")
    assert await world.scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 1
    world.assert_no_traceback()


# --- several workers ----------------------------------------------------------------------


async def test_two_workers_share_the_outbox_and_the_rate(world: World) -> None:
    """PostgreSQL: WORKER_ENABLED=true, one web process that only receives, two workers.
    No message is sent twice, and together they keep Telegram's 30 messages/s."""
    if world.db.is_sqlite:
        pytest.skip("several workers need PostgreSQL (SQLite has one sender)")
    web = world.bot(WORKER_ENABLED="true")
    web.wait_healthy()
    users = range(200, 260)
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        await asyncio.gather(*(converse(client, "telegram", u, "Bonjour", "1") for u in users))
    await asyncio.sleep(1.5)
    assert world.sends("telegram") == []  # the web process does not send
    total = len(await world.rows())
    assert total >= 4 * len(users)
    workers = [world.bot("worker", WORKER_ENABLED="true") for _ in range(2)]

    async def all_sent() -> bool:
        return not await world.rows("status <> 'sent'")

    await until(all_sent, 90, "every reply sent by the workers")
    calls = world.sends("telegram")
    rows = await world.rows()
    assert len(calls) == total == len({c["result_id"] for c in calls})  # none twice
    assert {r.provider_id for r in rows} == {c["result_id"] for c in calls}
    assert len({r.claimed_by for r in rows}) == 2  # both workers sent
    # Telegram's ~30/s for the bot, shared: in any stretch of time, at most the burst (30)
    # plus 30 per second (with half a second for a burst's sends to leave the processes);
    # two unshared limiters would allow 60/s.
    times = sorted(c["at"] for c in calls)
    for i in range(len(times)):
        for j in range(i + 1, len(times)):
            assert j - i + 1 <= 30 + 30 * (times[j] - times[i] + 0.5), (i, j)
    assert times[-1] - times[0] >= (total - 30) / 30 * 0.95
    for worker in workers:
        assert worker.alive()
    world.assert_no_traceback()
