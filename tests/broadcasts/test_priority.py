"""A broadcast never delays a reply to someone writing now: the channel's rate lets
replies through first and keeps a few sends in reserve for them, and the sender always has
room to claim a reply however many broadcast rows it holds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.base import RateLimit
from bot.db.session import Database
from bot.delivery import outbox
from bot.delivery.claims import Claimant
from bot.delivery.outbox import OutboxRow, Priority
from bot.delivery.payload import Payload
from bot.delivery.ratelimit import RateLimiter, SharedRateLimiter

# Three sends a second and a burst of three: a broadcast send needs the two kept for
# replies plus its own, so after the first one each waits about a third of a second.
LIMIT = RateLimit(per_address_per_second=100, per_address_burst=100, global_per_second=3)


async def _order(limiter: RateLimiter) -> list[str]:
    done: list[str] = []

    async def send(name: str, priority: int) -> None:
        await limiter.acquire("telegram", name, LIMIT, priority)
        done.append(name)

    broadcast = [asyncio.create_task(send(f"broadcast{i}", Priority.BROADCAST)) for i in range(3)]
    await asyncio.sleep(0.05)  # the broadcast's sends are waiting at the gate
    replies = [asyncio.create_task(send(f"reply{i}", Priority.REPLY)) for i in range(2)]
    await asyncio.gather(*broadcast, *replies)
    return done


@pytest.mark.parametrize("shared", [False, True])
async def test_replies_overtake_a_waiting_broadcast(db: Database, shared: bool) -> None:
    limiter = SharedRateLimiter(db) if shared else RateLimiter()
    done = await _order(limiter)
    # One broadcast send went at once; the two replies found the reserve; the rest after.
    assert done == ["broadcast0", "reply0", "reply1", "broadcast1", "broadcast2"]


async def test_a_broadcast_alone_still_goes_at_the_channels_rate() -> None:
    """The reserve refills as fast as it is spent: over ten seconds (of a clock the test
    moves), broadcast sends go at the full rate, after the burst less the reserve."""
    t = [0.0]
    limiter = RateLimiter(clock=lambda: t[0])
    limit = RateLimit(per_address_per_second=100, per_address_burst=100, global_per_second=20)
    granted = 0
    while t[0] < 10.0:
        wait = await limiter._take("whatsapp", limit, Priority.BROADCAST)
        if wait <= 0:
            granted += 1
        else:
            t[0] += max(wait, 1e-6)
    assert granted == pytest.approx(20 + 10 * 20 - 2, abs=1)
    # A reply at that moment still finds the two sends kept for it.
    assert await limiter._take("whatsapp", limit, Priority.REPLY) == 0
    assert await limiter._take("whatsapp", limit, Priority.REPLY) == 0


async def test_the_sender_keeps_room_for_replies(db: Database) -> None:
    """claim_due: rows below REPLY count against `later_limit`; replies use the rest."""
    now = datetime.now(UTC)

    def queue(conn: object) -> None:
        rows = [
            OutboxRow(None, "telegram", f"b{i}", Payload("news"), now, priority=Priority.BROADCAST)
            for i in range(10)
        ] + [OutboxRow(None, "telegram", f"r{i}", Payload("hello"), now) for i in range(2)]
        outbox.enqueue(conn, rows)  # type: ignore[arg-type]

    await db.run(queue)
    claimant = Claimant.new(timedelta(seconds=30))
    full = await db.run(
        lambda conn: outbox.claim_due(conn, now, "telegram", claimant, limit=8, later_limit=0)
    )
    assert sorted(c.message.address for c in full) == ["r0", "r1"]  # broadcast rows wait
    more = await db.run(
        lambda conn: outbox.claim_due(conn, now, "telegram", claimant, limit=8, later_limit=3)
    )
    assert len(more) == 3 and all(c.priority == Priority.BROADCAST for c in more)
