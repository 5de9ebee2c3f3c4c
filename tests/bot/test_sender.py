"""Outbox delivery: order per address, priorities, retries with backoff, 429, unreachable,
leases (renewed while sending, reclaimed after a crash), independent addresses, the bound
on sends in flight, and the timeout around every send."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.channels.base import DeliveryResult, Outcome, RateLimit
from bot.channels.recording import RecordingChannel
from bot.core.messages import OutboundMessage
from bot.db.models import ChannelIdentity, Outbox
from bot.db.session import Database
from bot.delivery import outbox
from bot.delivery.outbox import OutboxRow, Priority
from bot.delivery.payload import Payload
from bot.delivery.ratelimit import RateLimiter, SharedRateLimiter, reserve_slots
from bot.delivery.sender import REPLY_SLOTS, OutboxSender
from tests.bot.conftest import Chat


class Clock:
    """A controllable clock, a little ahead so that rows just written are due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=5)

    def __call__(self) -> datetime:
        return self.now


class ScriptedChannel:
    """A channel whose sends run a coroutine per address: to hang, answer late, or fail."""

    rate_limit = RateLimit(
        per_address_per_second=10_000, per_address_burst=10_000, global_per_second=100_000
    )

    def __init__(
        self,
        name: str = "test",
        behave: Callable[[OutboundMessage], Awaitable[DeliveryResult]] | None = None,
    ) -> None:
        self.name = name
        self.behave = behave
        self.started: list[tuple[str, int | None, float]] = []  # address, outbox id, loop time
        self.finished: list[tuple[str, int | None, float]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        loop = asyncio.get_running_loop()
        self.started.append((message.address, message.outbox_id, loop.time()))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            result = (
                await self.behave(message) if self.behave else DeliveryResult(Outcome.SENT, "p")
            )
        finally:
            self.in_flight -= 1
        if result.outcome is Outcome.SENT:
            self.finished.append((message.address, message.outbox_id, loop.time()))
        return result

    def sent_to(self, address: str) -> list[int | None]:
        return [oid for a, oid, _ in self.finished if a == address]


async def statuses(db: Database) -> list[tuple[str, int]]:
    async with db.connect() as conn:
        rows = await conn.execute(select(Outbox.status, Outbox.attempts).order_by(Outbox.id))
        return [(r[0], r[1]) for r in rows]


async def queue(
    db: Database,
    addresses: list[str],
    *,
    per_address: int = 1,
    priority: int = Priority.REPLY,
    channel: str = "test",
    transient: bool = False,
) -> list[int]:
    now = datetime.now(UTC)
    rows = [
        OutboxRow(
            None,
            channel,
            address,
            Payload(f"{address} #{n}"),
            now,
            priority=priority,
            transient=transient,
        )
        for address in addresses
        for n in range(per_address)
    ]
    return await db.run(outbox.enqueue, rows)


@contextlib.asynccontextmanager
async def running(sender: OutboxSender) -> AsyncIterator[OutboxSender]:
    task = asyncio.create_task(sender.run_forever())
    try:
        yield sender
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# --- order, retries, outcomes ----------------------------------------------------------


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
    assert await statuses(chat.services.db) == [
        ("sent", 1),
        ("pending", 1),
        ("pending", 0),
        ("pending", 0),
    ]
    assert await sender.run_once() == 0  # not due yet
    clock.now += timedelta(seconds=29)
    assert await sender.run_once() == 0
    clock.now += timedelta(seconds=2)
    assert await sender.run_once() == 3
    assert [m.outbox_id for m in channel.sent] == sorted(m.outbox_id or 0 for m in channel.sent)
    assert [s for s, _ in await statuses(chat.services.db)] == ["sent"] * 4


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


async def test_channel_exception_is_retried_not_lost(chat: Chat) -> None:
    def boom(msg: OutboundMessage) -> DeliveryResult:
        raise ConnectionError("network down")

    sender = OutboxSender(chat.services.db, {"test": RecordingChannel("test", outcome=boom)})
    await chat.send("u1", "bonjour")
    assert await sender.run_once() == 1
    assert await statuses(chat.services.db) == [("pending", 1)]


# --- unreachable users -------------------------------------------------------------------


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
    assert await statuses(chat.services.db) == [("failed", 1)]
    # A new message from them makes them reachable again.
    await chat.say("u1", "1")
    async with chat.services.db.connect() as conn:
        assert (await conn.execute(select(ChannelIdentity.unreachable))).scalar_one() is False


async def test_rows_behind_a_refusal_are_dropped_untried_only_while_blocked(chat: Chat) -> None:
    db = chat.services.db
    await chat.say("u1", "bonjour")
    refused = RecordingChannel(
        "test", outcome=lambda m: DeliveryResult(Outcome.UNREACHABLE, error="403 blocked")
    )
    sender = OutboxSender(db, {"test": refused})
    await chat.send("u1", "1")  # three replies: the first is refused
    await sender.drain()
    assert len(refused.attempts) == 1  # the two behind it were looked at again, not sent
    assert [s for s, _ in await statuses(db)][-3:] == ["failed"] * 3


async def test_an_old_refusal_never_fails_a_newer_reply_untried(chat: Chat) -> None:
    """A send refused (403) after the user wrote again does not silence them."""
    db = chat.services.db
    await chat.say("u1", "bonjour")
    gate = asyncio.Event()
    refused_once: list[int | None] = []

    async def behave(msg: OutboundMessage) -> DeliveryResult:
        if not refused_once:  # the old reply: the platform answers 403, late
            refused_once.append(msg.outbox_id)
            await gate.wait()
            return DeliveryResult(Outcome.UNREACHABLE, error="403 blocked")
        return DeliveryResult(Outcome.SENT, "ok")

    channel = ScriptedChannel("test", behave)
    sender = OutboxSender(db, {"test": channel})
    await chat.send("u1", "1")
    async with running(sender):
        await until(lambda: bool(refused_once))
        await asyncio.sleep(0.05)
        await chat.send("u1", "menu")  # the user writes again while the old send hangs
        gate.set()
        async with db.connect() as conn:
            newest = (await conn.execute(select(func.max(Outbox.id)))).scalar_one()
        await until(lambda: newest in channel.sent_to("u1"))
    async with db.connect() as conn:
        assert (await conn.execute(select(ChannelIdentity.unreachable))).scalar_one() is False
        rows = (await conn.execute(select(Outbox.id, Outbox.status).order_by(Outbox.id))).all()
    assert dict(rows)[refused_once[0]] == "failed"
    assert dict(rows)[newest] == "sent"


# --- leases and crashes ------------------------------------------------------------------


async def test_an_expired_claim_is_taken_by_a_running_sender(chat: Chat) -> None:
    """A row left `sending` by a dead sender goes out once its lease has run out, without
    anyone restarting; a claim still alive is left alone."""
    db = chat.services.db
    await chat.send("u1", "bonjour")
    await chat.send("u2", "bonjour")
    soon = datetime.now(UTC) + timedelta(seconds=1)
    async with db.begin() as conn:
        await conn.execute(
            update(Outbox).values(status="sending", claimed_by="dead", claimed_until=soon)
        )
    channel = RecordingChannel("test")
    sender = OutboxSender(db, {"test": channel}, idle_poll=0.1)
    assert await sender.run_once() == 0  # still claimed by the dead sender
    async with running(sender):
        await until(lambda: len(channel.sent) == 2)
    assert datetime.now(UTC) >= soon
    assert [s for s, _ in await statuses(db)] == ["sent", "sent"]


async def test_a_long_send_keeps_its_lease_and_is_not_sent_twice(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, ["a"])
    slow_done = asyncio.Event()

    async def slow(msg: OutboundMessage) -> DeliveryResult:
        await asyncio.sleep(2.5)  # longer than the lease
        slow_done.set()
        return DeliveryResult(Outcome.SENT, "slow")

    first = ScriptedChannel("test", slow)
    second = ScriptedChannel("test")
    lease = timedelta(seconds=1)
    a = OutboxSender(db, {"test": first}, lease=lease, idle_poll=0.05)
    b = OutboxSender(db, {"test": second}, lease=lease, idle_poll=0.05)
    async with running(a):
        await until(lambda: bool(first.started))
        async with running(b):
            await asyncio.wait_for(slow_done.wait(), 10)
            await asyncio.sleep(0.3)
    assert second.started == []  # the lease was renewed: b never took the row
    assert await statuses(db) == [("sent", 1)]


async def test_stopping_gives_back_what_was_not_sent(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, ["a"], per_address=3)
    hang = asyncio.Event()

    async def stuck(msg: OutboundMessage) -> DeliveryResult:
        await hang.wait()
        return DeliveryResult(Outcome.SENT, "x")

    channel = ScriptedChannel("test", stuck)
    sender = OutboxSender(db, {"test": channel}, stop_grace=0.2)
    async with running(sender):
        await until(lambda: bool(channel.started))
    # Cancelled, the sender waited for the send in flight (briefly), then released all.
    async with db.connect() as conn:
        rows = (await conn.execute(select(Outbox.status, Outbox.claimed_until))).all()
    assert [r.status for r in rows] == ["pending"] * 3
    fresh = RecordingChannel("test")
    assert await OutboxSender(db, {"test": fresh}).drain() == 3  # at once, no lease to wait


# --- independence, bounds, timeouts -----------------------------------------------------


async def test_one_hanging_address_delays_no_one_else_and_is_cut_off(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, ["stuck"], per_address=2)
    await queue(db, [f"u{i}" for i in range(20)], per_address=2)

    async def behave(msg: OutboundMessage) -> DeliveryResult:
        if msg.address == "stuck":
            await asyncio.Event().wait()  # a channel that never returns
        await asyncio.sleep(0.01)
        return DeliveryResult(Outcome.SENT, "ok")

    channel = ScriptedChannel("test", behave)
    sender = OutboxSender(
        db, {"test": channel}, send_timeout=0.3, timeout_grace=0.2, idle_poll=0.05
    )
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    async with running(sender):
        await until(lambda: len(channel.finished) == 40)
        others_done = loop.time() - t0
        await until(lambda: len([s for s in channel.started if s[0] == "stuck"]) == 1)
        await asyncio.sleep(1.0)
    assert others_done < 2.0, others_done  # not behind the hanging send
    async with db.connect() as conn:
        stuck = (
            await conn.execute(
                select(Outbox.status, Outbox.attempts, Outbox.last_error)
                .where(Outbox.address == "stuck")
                .order_by(Outbox.id)
            )
        ).all()
    # Cut off after the timeout and retried later (backoff); the row behind it waits, untried.
    assert [tuple(r) for r in stuck] == [("pending", 1, "timeout"), ("pending", 0, "timeout")]


async def test_sends_in_flight_per_channel_are_bounded(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, [f"u{i}" for i in range(30)])

    async def slow(msg: OutboundMessage) -> DeliveryResult:
        await asyncio.sleep(0.05)
        return DeliveryResult(Outcome.SENT, "ok")

    channel = ScriptedChannel("test", slow)
    sender = OutboxSender(db, {"test": channel}, max_in_flight=3)
    assert await sender.drain() == 30
    assert channel.most_in_flight == 3


async def test_replies_go_before_reminders_and_broadcasts(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, [f"b{i}" for i in range(10)], priority=Priority.BROADCAST)
    await queue(db, [f"m{i}" for i in range(10)], priority=Priority.REMINDER)
    await queue(db, [f"r{i}" for i in range(10)], priority=Priority.REPLY)
    # The same person: a broadcast queued first does not hold back their reply.
    await queue(db, ["same"], priority=Priority.BROADCAST)
    await queue(db, ["same"], priority=Priority.REPLY)
    channel = ScriptedChannel("test")
    sender = OutboxSender(db, {"test": channel}, max_in_flight=1)
    await sender.drain()
    kinds = [address[0] for address, _, _ in channel.finished]  # r, m, b, s(ame)
    assert kinds == ["r"] * 10 + ["s"] + ["m"] * 10 + ["b"] * 10 + ["s"]
    same = [oid for address, oid, _ in channel.finished if address == "same"]
    assert same == sorted(same, reverse=True)  # the later reply went before the broadcast


async def test_a_split_message_resumes_where_it_stopped_in_another_sender(
    chat: Chat,
) -> None:
    db = chat.services.db
    await queue(db, ["a"])
    seen: list[int] = []

    async def part_two_fails(msg: OutboundMessage) -> DeliveryResult:
        seen.append(msg.parts_done)
        if msg.parts_done == 0:
            return DeliveryResult(Outcome.RETRY, error="502", parts_done=1)
        return DeliveryResult(Outcome.SENT, "p2", parts_done=2)

    clock = Clock()
    first = OutboxSender(db, {"test": ScriptedChannel("test", part_two_fails)}, clock=clock)
    assert await first.run_once() == 1
    clock.now += timedelta(hours=1)
    second = OutboxSender(db, {"test": ScriptedChannel("test", part_two_fails)}, clock=clock)
    assert await second.run_once() == 1
    assert seen == [0, 1]
    assert await statuses(db) == [("sent", 2)]


async def test_transient_rows_are_deleted_once_finished(chat: Chat) -> None:
    db = chat.services.db
    await queue(db, ["gone", "held"], transient=True)

    async def behave(msg: OutboundMessage) -> DeliveryResult:
        if msg.address == "held":
            return DeliveryResult(Outcome.HELD, error="outside the window")
        return DeliveryResult(Outcome.SENT, "ok")

    assert await OutboxSender(db, {"test": ScriptedChannel("test", behave)}).drain() == 2
    assert await statuses(db) == []


# --- rate limits -------------------------------------------------------------------------


def test_rate_limiter_buckets() -> None:
    t = [0.0]
    limiter = RateLimiter(clock=lambda: t[0])
    limit = RateLimit(per_address_per_second=1.0, per_address_burst=3, global_per_second=30.0)
    waits = [limiter.reserve("telegram", "a", limit) for _ in range(5)]
    assert waits[:3] == [0, 0, 0] and waits[3] == 1.0 and waits[4] == 2.0
    assert limiter.reserve("telegram", "b", limit) == 0  # another chat is not held back
    t[0] = 10.0
    assert limiter.reserve("telegram", "a", limit) == 0


async def test_the_shared_rate_is_kept_across_limiters(db: Database) -> None:
    """Slots reserved in the database: two processes' limiters together keep one rate."""
    now = 1_000_000.0
    slots = [(await db.run(reserve_slots, "channel:x", 10.0, 5.0, now))[0] for _ in range(10)]
    slots += await db.run(reserve_slots, "channel:x", 10.0, 5.0, now, 5)  # five at once
    waits = [max(0.0, at - now) for at in slots]
    assert waits[:5] == [0.0] * 5  # the burst
    assert waits[5:] == pytest.approx([0.1 * n for n in range(1, 11)])
    [later] = await db.run(reserve_slots, "channel:x", 10.0, 5.0, now + 60)
    assert later <= now + 60  # the bucket refilled
    one, two = SharedRateLimiter(db), SharedRateLimiter(db)
    limit = RateLimit(per_address_per_second=1000, per_address_burst=1000, global_per_second=20)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.gather(
        *(limiter.acquire("y", f"a{i}", limit) for i in range(30) for limiter in (one, two))
    )
    # 60 sends at 20/s after a burst of 20 take at least (60 - 20) / 20 = 2 s.
    assert loop.time() - t0 >= 1.9


async def test_a_worker_hears_new_rows_at_once(chat: Chat) -> None:
    """PostgreSQL: rows queued by another process wake the sender (LISTEN/NOTIFY), long
    before its next poll."""
    db = chat.services.db
    if db.is_sqlite:
        pytest.skip("one process on SQLite: it wakes its own sender")
    channel = ScriptedChannel("test")
    sender = OutboxSender(db, {"test": channel}, idle_poll=60)
    other = Database(db.url)  # as another process would
    try:
        async with running(sender):
            await asyncio.sleep(1.0)  # listening, idle
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            await queue(other, ["a"])
            await until(lambda: bool(channel.finished), timeout=10)
            assert loop.time() - t0 < 2.0
    finally:
        await other.dispose()


async def test_a_reply_finds_a_send_slot_while_broadcast_sends_hold_theirs(chat: Chat) -> None:
    """Each send holds its slot until its outcome is committed; a broadcast's sends (here
    hanging) take at most `max_in_flight - REPLY_SLOTS` of them, so a reply goes at once."""
    db = chat.services.db
    release = asyncio.Event()

    async def behave(msg: OutboundMessage) -> DeliveryResult:
        if msg.address.startswith("b"):
            await release.wait()
        return DeliveryResult(Outcome.SENT, "ok")

    channel = ScriptedChannel("test", behave)
    await queue(db, [f"b{i}" for i in range(20)], priority=Priority.BROADCAST)
    sender = OutboxSender(db, {"test": channel}, max_in_flight=4)
    async with running(sender):
        await until(lambda: channel.in_flight == 4 - REPLY_SLOTS)
        await asyncio.sleep(0.3)
        assert channel.in_flight == 4 - REPLY_SLOTS  # the broadcast takes no more
        await queue(db, ["reply"])
        sender.wake()
        await until(lambda: bool(channel.sent_to("reply")), timeout=5)
        assert not release.is_set() and channel.in_flight == 4 - REPLY_SLOTS
        release.set()
        await until(lambda: len(channel.finished) == 21)


async def test_a_row_queued_while_a_claim_runs_never_waits_for_the_poll(chat: Chat) -> None:
    """A wake-up that comes while the sender is claiming is kept for the next claim: each
    row here is queued (and the sender woken) as the previous one is being sent, and the
    sender never polls, so a lost wake-up would leave a row waiting."""
    db = chat.services.db
    pending: list[asyncio.Task[None]] = []
    sender: OutboxSender

    async def next_row(n: int) -> None:
        await queue(db, [f"u{n}"])
        sender.wake()

    async def behave(msg: OutboundMessage) -> DeliveryResult:
        n = int(msg.address[1:])
        if n < 40:
            pending.append(asyncio.create_task(next_row(n + 1)))
        return DeliveryResult(Outcome.SENT, "ok")

    channel = ScriptedChannel("test", behave)
    sender = OutboxSender(db, {"test": channel}, idle_poll=600, gather=0.001)
    await queue(db, ["u0"])
    async with running(sender):
        for n in range(41):
            await until(lambda n=n: bool(channel.sent_to(f"u{n}")), timeout=5)  # type: ignore[misc]
    await asyncio.gather(*pending)


@pytest.mark.parametrize("per_address", [1, 12])
async def test_a_broadcast_larger_than_the_horizon_goes_out_without_polling(
    chat: Chat, per_address: int
) -> None:
    """Room made by finished sends is claimed again in bulk (half the horizon), and an
    address with more rows than one claim takes is claimed again when its rows are done:
    nothing waits for the poll."""
    db = chat.services.db
    addresses = [f"b{i}" for i in range(150 // per_address)]
    await queue(db, addresses, per_address=per_address, priority=Priority.BROADCAST)
    channel = ScriptedChannel("test")
    # 50/s: the sender holds 100 rows at once (two seconds' worth), less than queued.
    channel.rate_limit = RateLimit(
        per_address_per_second=1000, per_address_burst=1000, global_per_second=50
    )
    sender = OutboxSender(db, {"test": channel}, max_in_flight=2, idle_poll=600)
    assert sender.horizon(channel) < len(addresses) * per_address
    async with running(sender):
        await until(lambda: len(channel.finished) == len(addresses) * per_address, timeout=20)
    assert [status for status, _ in await statuses(db)] == ["sent"] * len(channel.finished)


async def test_a_sender_stopped_as_it_is_woken_stops(chat: Chat) -> None:
    """Cancelled in the same moment as it is woken (a send just finished, a row queued), the
    sender still stops: Python 3.11's `asyncio.wait_for` could swallow that cancellation and
    leave the sender waiting for its next poll, and `serve` or a test waiting on it."""
    for _ in range(5):
        sender = OutboxSender(chat.services.db, {"test": ScriptedChannel("test")}, idle_poll=600)
        task = asyncio.create_task(sender.run_forever())
        await asyncio.sleep(0.2)  # claimed nothing; waiting to be woken
        sender.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        if not done:  # (the bug: stop it for good before failing)
            task.cancel()
            await asyncio.wait({task}, timeout=5)
        assert done, "the sender went on waiting after it was cancelled"
