"""Outbox delivery: order per address, retries with backoff, 429, unreachable, stale claims."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.channels.base import DeliveryResult, Outcome
from bot.channels.recording import RecordingChannel
from bot.core.messages import OutboundMessage
from bot.db.models import ChannelIdentity, Outbox
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.sender import OutboxSender
from tests.bot.conftest import Chat


class Clock:
    """A controllable clock, a little ahead so that rows just written are due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=5)

    def __call__(self) -> datetime:
        return self.now


async def statuses(chat: Chat) -> list[tuple[str, int]]:
    async with chat.services.db.connect() as conn:
        rows = await conn.execute(select(Outbox.status, Outbox.attempts).order_by(Outbox.id))
        return [(r[0], r[1]) for r in rows]


async def test_replies_arrive_in_order(chat: Chat) -> None:
    await chat.say("u1", "bonjour")
    replies = await chat.say("u1", "1")
    assert [r.outbox_id for r in replies] == sorted(r.outbox_id or 0 for r in replies)
    assert "Migracoop" in replies[0].text and replies[-1].quick_replies


async def test_429_waits_retry_after_then_sends_in_order(chat: Chat) -> None:
    await chat.say("u1", "bonjour")
    clock = Clock()
    answers = iter([DeliveryResult(Outcome.RETRY, retry_after=30, error="429")])

    def flaky(msg: OutboundMessage) -> DeliveryResult:
        return next(answers, DeliveryResult(Outcome.SENT))

    channel = RecordingChannel("test", outcome=flaky)
    sender = OutboxSender(chat.services.db, {"test": channel}, clock=clock)
    await chat.send("u1", "1")  # three replies
    assert await sender.run_once() == 3
    assert channel.sent == [] and len(channel.attempts) == 1  # the rest waited behind it
    assert await statuses(chat) == [("sent", 1), ("pending", 1), ("pending", 0), ("pending", 0)]
    assert await sender.run_once() == 0  # not due yet
    clock.now += timedelta(seconds=29)
    assert await sender.run_once() == 0
    clock.now += timedelta(seconds=2)
    assert await sender.run_once() == 3
    assert [m.outbox_id for m in channel.sent] == sorted(m.outbox_id or 0 for m in channel.sent)
    assert [s for s, _ in await statuses(chat)] == ["sent"] * 4


async def test_server_errors_back_off_exponentially_then_fail(chat: Chat) -> None:
    clock = Clock()
    channel = RecordingChannel("test", outcome=lambda m: DeliveryResult(Outcome.RETRY, error="502"))
    sender = OutboxSender(chat.services.db, {"test": channel}, clock=clock)
    await chat.send("u1", "bonjour")
    waits = []
    for _ in range(8):
        assert await sender.run_once() == 1
        async with chat.services.db.connect() as conn:
            row = (await conn.execute(select(Outbox.status, Outbox.next_attempt_at))).one()
        if row[0] != "pending":
            break
        waits.append((row[1] - clock.now).total_seconds())
        clock.now = row[1]
    assert row[0] == "failed"
    assert all(b > a * 1.5 for a, b in itertools.pairwise(waits)), waits
    assert len(channel.attempts) == 8


async def test_blocked_user_is_marked_unreachable(chat: Chat) -> None:
    channel = RecordingChannel(
        "test",
        outcome=lambda m: DeliveryResult(
            Outcome.UNREACHABLE, error="Forbidden: bot was blocked by the user"
        ),
    )
    sender = OutboxSender(chat.services.db, {"test": channel})
    await chat.send("u1", "bonjour")
    await sender.run_once()
    async with chat.services.db.connect() as conn:
        unreachable = (await conn.execute(select(ChannelIdentity.unreachable))).scalar_one()
    assert unreachable is True
    assert await statuses(chat) == [("failed", 1)]
    # A new message from them makes them reachable again.
    await chat.say("u1", "1")
    async with chat.services.db.connect() as conn:
        assert (await conn.execute(select(ChannelIdentity.unreachable))).scalar_one() is False


async def test_a_crashed_claim_is_released_and_sent(chat: Chat) -> None:
    await chat.send("u1", "bonjour")
    async with chat.services.db.begin() as conn:
        await conn.execute(
            update(Outbox).values(
                status="sending", claimed_until=datetime.now(UTC) - timedelta(seconds=1)
            )
        )
    channel = RecordingChannel("test")
    sender = OutboxSender(chat.services.db, {"test": channel})
    assert await sender.run_once() == 0  # still claimed by the dead sender
    from bot.delivery.outbox import release_stale

    assert await chat.services.db.run(release_stale, datetime.now(UTC)) == 1
    assert await sender.run_once() == 1 and len(channel.sent) == 1


async def test_channel_exception_is_retried_not_lost(chat: Chat) -> None:
    def boom(msg: OutboundMessage) -> DeliveryResult:
        raise ConnectionError("network down")

    sender = OutboxSender(chat.services.db, {"test": RecordingChannel("test", outcome=boom)})
    await chat.send("u1", "bonjour")
    assert await sender.run_once() == 1
    assert await statuses(chat) == [("pending", 1)]


def test_rate_limiter_buckets() -> None:
    t = [0.0]
    limiter = RateLimiter(clock=lambda: t[0])
    kw = {"per_address": 1.0, "burst": 3, "global_rate": 30.0}
    waits = [limiter.reserve("telegram", "a", **kw) for _ in range(5)]
    assert waits[:3] == [0, 0, 0] and waits[3] == 1.0 and waits[4] == 2.0
    assert limiter.reserve("telegram", "b", **kw) == 0  # another chat is not held back
    t[0] = 10.0
    assert limiter.reserve("telegram", "a", **kw) == 0
