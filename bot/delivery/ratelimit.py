"""Rate limits: token buckets per address and per channel, so one busy chat cannot starve
the rest. With several sender processes (PostgreSQL), the channel's rate lives in the
database and all of them share it.

A channel's sends wait at a `PriorityGate`, the most urgent first, and a send below
`Priority.REPLY` goes only while the bucket keeps `HEADROOM` sends in reserve: a broadcast
still runs at the channel's full rate (the reserve refills as fast as it spends), and a
reply to someone writing now finds a send ready instead of queueing behind the next
seconds of broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.channels.base import RateLimit
from bot.db.session import Database
from bot.db.tables import rate_limits
from bot.delivery.outbox import Priority

HEADROOM = 2  # channel sends kept for replies while lower priorities wait


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    burst: float
    tokens: float
    updated: float

    def delay(self, now: float) -> float:
        """Seconds to wait before one token is available; takes it when it is."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        wait = (1 - self.tokens) / self.rate
        self.tokens -= 1  # reserved: the caller sleeps, then sends
        return wait


def channel_burst(limit: RateLimit) -> float:
    """How many sends a channel may make at once after a quiet spell: one second's worth."""
    return max(1.0, limit.global_per_second)


def headroom(priority: int, limit: RateLimit) -> float:
    """Sends of the channel's burst that `priority` must leave for replies."""
    if priority <= Priority.REPLY:
        return 0.0
    return min(float(HEADROOM), channel_burst(limit) - 1.0)


class PriorityGate:
    """One channel's waiting sends, let through one at a time, the lowest priority number
    first (then in arrival order). `take(priority)` takes a send now and returns 0, or
    returns the seconds until one could be taken (nothing taken)."""

    def __init__(self, take: Callable[[int], Awaitable[float]]) -> None:
        self.take = take
        self._heap: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def enter(self, priority: int) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (priority, next(self._order), future))
        self._arrived.set()  # a more urgent send may now be first
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="rate-gate")
        await future

    async def _run(self) -> None:
        try:
            while self._heap:
                entry = self._heap[0]
                priority, _, future = entry
                if future.done():  # its sender gave up (cancelled)
                    heapq.heappop(self._heap)
                    continue
                self._arrived.clear()
                try:
                    wait = await self.take(priority)
                except Exception as exc:  # the database is away: this send fails, not all
                    self._remove(entry)
                    if not future.done():
                        future.set_exception(exc)
                    continue
                if wait <= 0:
                    self._remove(entry)
                    if not future.done():
                        future.set_result(None)
                    continue
                with contextlib.suppress(TimeoutError):  # (not wait_for: see the sender)
                    async with asyncio.timeout(wait):
                        await self._arrived.wait()
        except BaseException:  # stopped (the loop closing): no send may wait for ever
            for _, _, future in self._heap:
                if not future.done():
                    future.set_exception(RuntimeError("rate gate stopped"))
            self._heap.clear()
            raise

    def _remove(self, entry: tuple[int, int, asyncio.Future[None]]) -> None:
        """Take `entry` out of the heap. Not always the first: a more urgent send may have
        arrived while `take` waited (for the database), and it must stay waiting, not be
        dropped in place of this one."""
        if self._heap[0] is entry:
            heapq.heappop(self._heap)
        else:
            self._heap.remove(entry)
            heapq.heapify(self._heap)


class RateLimiter:
    """Both buckets in memory: right when this process is the only sender (SQLite)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._gates: dict[str, PriorityGate] = {}

    def _bucket(self, key: tuple[str, str], rate: float, burst: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()
            bucket = self._buckets[key] = TokenBucket(rate, burst, burst, self.clock())
        return bucket

    def address_delay(self, channel: str, address: str, limit: RateLimit) -> float:
        bucket = self._bucket(
            (channel, address), limit.per_address_per_second, limit.per_address_burst
        )
        return bucket.delay(self.clock())

    def reserve(self, channel: str, address: str, limit: RateLimit) -> float:
        """Seconds until this send may go; the tokens are taken (reserved) now."""
        a = self.address_delay(channel, address, limit)
        bucket = self._bucket((channel, ""), limit.global_per_second, channel_burst(limit))
        return max(a, bucket.delay(self.clock()))

    async def acquire(
        self, channel: str, address: str, limit: RateLimit, priority: int = Priority.REPLY
    ) -> None:
        """Wait for the address's rate, then for the channel's, behind more urgent sends."""
        wait = self.address_delay(channel, address, limit)
        if wait > 0:
            await asyncio.sleep(wait)
        await self.gate(channel, limit).enter(priority)

    def gate(self, channel: str, limit: RateLimit) -> PriorityGate:
        found = self._gates.get(channel)
        if found is None:
            found = self._gates[channel] = PriorityGate(lambda p: self._take(channel, limit, p))
        return found

    async def _take(self, channel: str, limit: RateLimit, priority: int) -> float:
        bucket = self._bucket((channel, ""), limit.global_per_second, channel_burst(limit))
        now = self.clock()
        bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.updated) * bucket.rate)
        bucket.updated = now
        need = 1.0 + headroom(priority, limit) - 1e-9  # (float sums of refills)
        if bucket.tokens >= need:
            bucket.tokens -= 1
            return 0.0
        return (need - bucket.tokens) / bucket.rate


def reserve_slots(
    conn: Connection, key: str, rate: float, burst: float, now: float, count: int = 1
) -> list[float]:
    """Take the next `count` send slots of `key` (GCRA, one statement); returns when each
    may go (epoch seconds).

    The row holds the theoretical arrival time (TAT): each send moves it 1/rate later, and a
    send may go once TAT minus the burst's allowance is reached.
    """
    interval = 1.0 / rate
    tolerance = (burst - 1.0) * interval
    dialect = conn.dialect.name
    greatest = func.greatest if dialect == "postgresql" else func.max
    if dialect == "postgresql":  # slots need no durability: no wait for the disk
        conn.execute(text("SET LOCAL synchronous_commit = off"))
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(rate_limits)
    stmt = (
        insert.values(key=key, tat=now + count * interval)
        .on_conflict_do_update(
            index_elements=[rate_limits.c.key],
            set_={"tat": greatest(rate_limits.c.tat, now) + count * interval},
        )
        .returning(rate_limits.c.tat)
    )
    first = float(conn.execute(stmt).scalar_one()) - count * interval
    return [first + i * interval - tolerance for i in range(count)]


class SharedRateLimiter(RateLimiter):
    """Per address in memory (an address's queue is held by one sender at a time), per
    channel in the database: several worker processes together keep the channel's rate.

    One statement takes the slots of every send waiting at that moment, and a tenth of a
    second's worth more (kept here for the next sends, dropped after a second unused), so
    neither the database's latency nor its load grows with the rate."""

    BLOCK_SECONDS = 0.1
    MAX_BLOCK = 32
    STALE = 1.0  # seconds after which kept slots are dropped (the database's bucket refilled)

    def __init__(self, db: Database, *, wall: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.db, self.wall = db, wall
        self._kept: dict[str, deque[float]] = {}  # slots taken, not yet used
        self._kept_at: dict[str, float] = {}  # when they were taken
        self._waiting: dict[str, list[asyncio.Future[float]]] = {}
        self._fetching: dict[str, asyncio.Task[None]] = {}

    async def _take(self, channel: str, limit: RateLimit, priority: int) -> float:
        """The next slot kept (or reserved now) once `priority` may use it: a lower
        priority uses a slot `headroom` sends after a reply could."""
        kept = self._kept.setdefault(channel, deque())
        if self._kept_at.get(channel, 0.0) < self.wall() - self.STALE:
            kept.clear()
        if not kept:
            first = await self._slot(channel, limit)
            kept = self._kept.setdefault(channel, deque())  # the block fetched with it
            kept.appendleft(first)
        at = kept[0] + headroom(priority, limit) / limit.global_per_second
        wait = at - self.wall()
        if wait <= 0:
            kept.popleft()
        return wait

    async def _slot(self, channel: str, limit: RateLimit) -> float:
        """One slot reserved in the database (with a block more kept for the next)."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(channel, []).append(future)
        if channel not in self._fetching:
            self._fetching[channel] = asyncio.create_task(self._reserve(channel, limit))
        return await future

    async def _reserve(self, channel: str, limit: RateLimit) -> None:
        block = int(min(self.MAX_BLOCK, max(1.0, limit.global_per_second * self.BLOCK_SECONDS)))
        try:
            while waiting := self._waiting.pop(channel, []):
                try:
                    slots = await self.db.run(
                        reserve_slots,
                        f"channel:{channel}",
                        limit.global_per_second,
                        channel_burst(limit),
                        self.wall(),
                        max(len(waiting), block),
                    )
                except Exception as exc:
                    for future in waiting:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for future, at in zip(waiting, slots, strict=False):
                    if not future.done():
                        future.set_result(at)
                self._kept[channel] = deque(slots[len(waiting) :])
                self._kept_at[channel] = self.wall()
        finally:
            del self._fetching[channel]
