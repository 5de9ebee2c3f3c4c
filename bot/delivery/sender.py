"""The outbox sender: claims due rows and delivers each address's rows in order through
their channel, with retries.

- Addresses are independent: each address's rows are delivered by their own task, so one
  slow or hanging address (or channel) never delays another.
- At most `max_in_flight` sends per channel run at once; a send's slot is held until its
  outcome is committed, so a crash can repeat at most that many messages per channel.
- Every send is cut off after `send_timeout` (the channels apply it to their platform
  calls, and report the parts of a split message that went; the sender's own bound, a
  little longer, catches a channel that would not).
- Claims are leases, renewed while the sender works; rows whose sender died are claimed
  again once their lease runs out, by whichever sender looks next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Literal

from sqlalchemy import Connection

from bot.channels.base import Channel, DeliveryResult, Outcome
from bot.core.messages import OutboundMessage
from bot.db.session import Database
from bot.db.tables import outbox as outbox_table
from bot.delivery import outbox, wakeup
from bot.delivery.claims import Claimant, LeaseKeeper, release
from bot.delivery.ratelimit import RateLimiter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubles each attempt
MAX_BACKOFF = 3600.0
LEASE = timedelta(seconds=30)
SEND_TIMEOUT = 30.0
MAX_IN_FLIGHT = 8
REPLY_SLOTS = 2  # of them, kept for replies while broadcasts and reminders go
MAX_CLAIMED = 256  # rows claimed at once per channel, at most
STOP_GRACE = 5.0  # seconds a stopping sender lets sends in flight finish
TIMEOUT_GRACE = 5.0  # the sender's bound on a send: the channel's timeout plus this


def _later(rows: list[outbox.Claimed]) -> int:
    """How many of the rows may wait for replies (reminders, broadcasts)."""
    return sum(1 for r in rows if r.priority > outbox.Priority.REPLY)


def backoff(attempts: int, retry_after: float | None = None) -> float:
    delay: float = min(MAX_BACKOFF, BASE_BACKOFF * 2.0 ** max(0, attempts - 1))
    delay *= random.uniform(0.9, 1.1)  # jitter: clients retrying together spread out
    return max(delay, retry_after or 0.0)


class Slots:
    """A channel's sends in flight: at most `size` at once, of which rows below
    `Priority.REPLY` take at most `size - REPLY_SLOTS`, so a reply never waits for a slot
    behind a broadcast's sends (each holds its slot until its outcome is committed)."""

    def __init__(self, size: int) -> None:
        self._all = asyncio.Semaphore(size)
        self._later = asyncio.Semaphore(max(1, size - REPLY_SLOTS))

    @contextlib.asynccontextmanager
    async def take(self, priority: int) -> AsyncIterator[None]:
        if priority <= outbox.Priority.REPLY:
            async with self._all:
                yield
        else:
            async with self._later, self._all:
                yield


class OutcomeWriter:
    """Commits outcomes as they come: those that arrive while a commit runs go together in
    the next one, so a busy sender commits in batches and an idle one at once."""

    def __init__(self, db: Database, token: str) -> None:
        self.db, self.token = db, token
        self._queue: list[
            tuple[list[outbox.Outcome], list[outbox.Refusal], asyncio.Future[None]]
        ] = []
        self._task: asyncio.Task[None] | None = None

    async def write(self, outcomes: list[outbox.Outcome], refusals: list[outbox.Refusal]) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((outcomes, refusals, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="outbox-writer")
        await future

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self.db.run(
                    outbox.record_all,
                    self.token,
                    [o for outcomes, _, _ in batch for o in outcomes],
                    [r for _, refusals, _ in batch for r in refusals],
                )
            except Exception as exc:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for _, _, future in batch:
                    if not future.done():
                        future.set_result(None)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        limiter: RateLimiter | None = None,
        lease: timedelta = LEASE,
        send_timeout: float = SEND_TIMEOUT,
        max_in_flight: int = MAX_IN_FLIGHT,
        idle_poll: float = 1.0,
        gather: float = 0.01,
        timeout_grace: float = TIMEOUT_GRACE,
        stop_grace: float = STOP_GRACE,
        prepare: Callable[[OutboundMessage], OutboundMessage] | None = None,
    ) -> None:
        self.db, self.channels, self.clock = db, dict(channels), clock
        # Just before a channel sends: media references become signed links (bot/web/media).
        self.prepare = prepare
        self.limiter = limiter or RateLimiter()
        self.claimant = Claimant.new(lease)
        self.send_timeout = send_timeout
        self.timeout_grace = timeout_grace
        self.stop_grace = stop_grace
        self.max_in_flight = max_in_flight
        self.idle_poll = idle_poll
        self.gather = gather  # seconds to let replies accumulate: fewer, larger claims
        self._wake = asyncio.Event()
        self._writer = OutcomeWriter(db, self.claimant.token)
        self._slots: dict[str, Slots] = {}
        self._groups: dict[str, set[asyncio.Task[None]]] = {}  # per channel
        self._in_hand: Counter[str] = Counter()  # rows of running groups, per channel
        self._in_hand_later: Counter[str] = Counter()  # of them, below Priority.REPLY
        self._keeper = LeaseKeeper(db, outbox_table, self.claimant, clock, working=outbox.WORKING)
        self._held = self._keeper.held  # rows claimed and not yet recorded
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    # --- loops -------------------------------------------------------------------------

    async def run_forever(self) -> None:
        """Claim and deliver until cancelled; then let sends in flight finish (briefly) and
        give back what was claimed but not sent, so a restart need not wait for the lease."""
        keeper = asyncio.create_task(self._keeper.run(), name="outbox-leases")
        listener = asyncio.create_task(wakeup.listen(self.db, self.wake), name="outbox-listen")
        try:
            while True:
                # Cleared before claiming: a message queued while the claim runs wakes the
                # next one, never waits for the poll.
                self._wake.clear()
                try:
                    await self._claim_and_start()
                except Exception as exc:  # the database is away: try again next poll
                    log.warning("outbox claim failed (%s)", type(exc).__name__)
                    log.debug("outbox claim failed", exc_info=True)
                # Claim again when rows are queued (this process, or another's NOTIFY), when
                # room is made (`_done`), or at the poll (retries due, leases run out).
                # (asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancel
                # that comes as the event is set, and the sender would not stop.)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.idle_poll):
                        await self._wake.wait()
                await asyncio.sleep(self.gather)
        finally:
            keeper.cancel()
            listener.cancel()
            await self._stop()

    async def drain(self) -> int:
        """Rounds until nothing is due (the terminal chat, tests). Returns rows handled."""
        total = 0
        while handled := await self.run_once():
            total += handled
        return total

    async def run_once(self) -> int:
        """One round: claim what is due, deliver it, record outcomes. Returns rows handled."""
        keeper = asyncio.create_task(self._keeper.run(), name="outbox-leases")
        try:
            started = await self._claim_and_start()
            await asyncio.gather(*(t for tasks in self._groups.values() for t in tasks))
        finally:
            keeper.cancel()
        return started

    # --- claiming ----------------------------------------------------------------------

    async def _claim_and_start(self) -> int:
        """Claim due rows for every channel with room, and start one task per address."""
        # Replies may always take `max_in_flight` rows more than the horizon: a broadcast
        # filling the horizon never keeps someone writing now from being claimed.
        wanted = {
            name: (
                self.horizon(channel) + self.max_in_flight - self._in_hand[name],
                self.horizon(channel) - self._in_hand_later[name],
            )
            for name, channel in self.channels.items()
        }
        wanted = {name: n for name, n in wanted.items() if n[0] > 0}
        if not wanted or self._stopping:
            return 0
        claimed = await self.db.run(self._claim, wanted, self.clock())
        groups: dict[tuple[str, str, int], list[outbox.Claimed]] = {}
        for c in claimed:
            self._held.add(c.id)
            key = (c.message.channel, c.message.address, c.priority)
            groups.setdefault(key, []).append(c)
        for (channel, _, _), rows in groups.items():
            self._in_hand[channel] += len(rows)
            self._in_hand_later[channel] += _later(rows)
            task = asyncio.create_task(self._deliver(rows), name=f"outbox-{channel}")
            tasks = self._groups.setdefault(channel, set())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            task.add_done_callback(partial(self._done, channel, rows))
        return len(claimed)

    def _done(self, name: str, rows: list[outbox.Claimed], _: object) -> None:
        """An address's rows are done: claim again if that made room that matters. Replies
        always do; a broadcast's or reminder's rows only once half the channel's horizon is
        free, or when more may wait behind them (refilling in bulk, not one claim a send)."""
        later = rows[0].priority > outbox.Priority.REPLY
        full = len(rows) >= outbox.ROWS_PER_ADDRESS
        if not later or full or self._in_hand_later[name] <= self.horizon(self.channels[name]) // 2:
            self._wake.set()

    def horizon(self, channel: Channel) -> int:
        """Rows this sender holds at once for the channel (replies may take `max_in_flight`
        more): about two seconds of the channel's rate (more would only wait, and wait a
        lease after a crash, while another worker could send them), at least two per send
        slot. Each address being worked on counts for one at least."""
        rate = channel.rate_limit.global_per_second
        return max(2 * self.max_in_flight, min(MAX_CLAIMED, int(2 * rate)))

    def _claim(
        self, conn: Connection, wanted: dict[str, tuple[int, int]], now: datetime
    ) -> list[outbox.Claimed]:
        out: list[outbox.Claimed] = []
        held = set(self._held)
        for channel, (rows, later) in wanted.items():
            out += outbox.claim_due(
                conn, now, channel, self.claimant, limit=rows, held=held, later_limit=later
            )
        return out

    async def _stop(self) -> None:
        self._stopping = True
        tasks = [t for group in self._groups.values() for t in group]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.stop_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._held:
            with contextlib.suppress(Exception):
                await self.db.run(
                    release,
                    outbox_table,
                    self.claimant,
                    list(self._held),
                    working=outbox.WORKING,
                    waiting=outbox.WAITING,
                )
            self._held.clear()

    # --- delivering --------------------------------------------------------------------

    def _slot(self, channel: str, priority: int) -> contextlib.AbstractAsyncContextManager[None]:
        if channel not in self._slots:
            self._slots[channel] = Slots(self.max_in_flight)
        return self._slots[channel].take(priority)

    async def _deliver(self, rows: list[outbox.Claimed]) -> None:
        """One address's claimed rows, in order, each outcome committed as it comes."""
        channel = rows[0].message.channel
        try:
            for i in range(len(rows)):
                if self._stopping:
                    return  # the rest are given back unsent
                if await self._step(rows, i):
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database failed: the lease runs out, the rows return
            log.warning("outbox delivery stopped (%s)", type(exc).__name__)
            log.debug("outbox delivery stopped", exc_info=True)
            self._held.difference_update(r.id for r in rows)
        finally:
            self._in_hand[channel] -= len(rows)
            self._in_hand_later[channel] -= _later(rows)

    async def _step(self, rows: list[outbox.Claimed], i: int) -> bool:
        """Deliver rows[i] and record the outcome; True when the rows behind it must wait."""
        row = rows[i]
        msg = row.message
        channel = self.channels[msg.channel]
        if row.unreachable or row.attempts > MAX_ATTEMPTS + 2:
            # Blocked users get nothing; a row claimed again and again (its sends crashed
            # the sender) is given up.
            error = "contact unreachable" if row.unreachable else "abandoned after crashes"
            outcomes: list[outbox.Outcome] = [
                outbox.Finished(r.id, "failed", error, forget=r.transient)
                for r in (rows[i:] if row.unreachable else [row])
            ]
            await self._record(outcomes, [])
            return row.unreachable
        await self.limiter.acquire(msg.channel, msg.address, channel.rate_limit, row.priority)
        if self._stopping:
            return True  # given back unsent
        async with self._slot(msg.channel, row.priority):
            started = self.clock()
            result = await self._send(channel, row)
            outcomes, refusals, stop = self._judge(rows, i, result, started)
            await self._record(outcomes, refusals)
        return stop

    async def _send(self, channel: Channel, row: outbox.Claimed) -> DeliveryResult:
        try:
            async with asyncio.timeout(self.send_timeout + self.timeout_grace):
                # Media references become signed links just before a channel sends.
                message = self.prepare(row.message) if self.prepare else row.message
                return await channel.send(message)
        except TimeoutError:
            log.info("%s send timed out", row.message.channel)
            return DeliveryResult(Outcome.RETRY, error="timeout", parts_done=row.message.parts_done)
        except Exception as exc:  # a bug or network error in a channel: retry later
            log.warning("channel %s raised %s", row.message.channel, type(exc).__name__)
            return DeliveryResult(
                Outcome.RETRY, error=type(exc).__name__, parts_done=row.message.parts_done
            )

    def _judge(
        self, rows: list[outbox.Claimed], i: int, result: DeliveryResult, started: datetime
    ) -> tuple[list[outbox.Outcome], list[outbox.Refusal], bool]:
        """The outcomes of one attempt: for the row, and for the rows behind it if they must
        wait (a retry keeps them in order) or be looked at again (after a refusal)."""
        row, now = rows[i], self.clock()
        behind = rows[i + 1 :]
        if result.outcome is Outcome.SENT:
            return [outbox.Sent(row.id, result.provider_id, now, forget=row.transient)], [], False
        if result.outcome is Outcome.RETRY and row.attempts < MAX_ATTEMPTS:
            later = now + timedelta(seconds=backoff(row.attempts, result.retry_after))
            error = result.error or "retry"
            outcomes: list[outbox.Outcome] = [
                outbox.Retry(row.id, later, row.attempts, error, result.parts_done)
            ]
            # The rows behind were claimed, not tried: same wait, attempts as they were.
            outcomes += [
                outbox.Retry(r.id, later, r.attempts - 1, error, r.message.parts_done)
                for r in behind
            ]
            return outcomes, [], True
        if result.outcome is Outcome.UNREACHABLE:
            error = result.error or "unreachable"
            refusal = outbox.Refusal(row.message.channel, row.message.address, started)
            outcomes = [outbox.Finished(row.id, "failed", error, forget=row.transient)]
            # The rows behind go back untried: the next claim sends them if the user wrote
            # to us since this attempt began, and drops them if not.
            outcomes += [
                outbox.Retry(r.id, now, r.attempts - 1, error, r.message.parts_done) for r in behind
            ]
            return outcomes, [refusal], True
        status: Literal["failed", "held"] = "held" if result.outcome is Outcome.HELD else "failed"
        error = result.error or status
        return [outbox.Finished(row.id, status, error, forget=row.transient)], [], False

    async def _record(self, outcomes: list[outbox.Outcome], refusals: list[outbox.Refusal]) -> None:
        await self._writer.write(outcomes, refusals)
        self._held.difference_update(o.id for o in outcomes)
