"""The outbox sender: delivers due rows through their channel, rate-limited, with retries."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.channels.base import Channel, DeliveryResult, Outcome
from bot.core.messages import OutboundMessage
from bot.db.session import Database
from bot.delivery import outbox
from bot.delivery.ratelimit import RateLimiter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = 2.0  # seconds; doubles each attempt
MAX_BACKOFF = 3600.0


def backoff(attempts: int, retry_after: float | None = None) -> float:
    delay: float = min(MAX_BACKOFF, BASE_BACKOFF * 2.0 ** max(0, attempts - 1))
    delay *= random.uniform(0.9, 1.1)  # jitter: clients retrying together spread out
    return max(delay, retry_after or 0.0)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        limiter: RateLimiter | None = None,
        idle_poll: float = 1.0,
        gather: float = 0.01,
        prepare: Callable[[OutboundMessage], OutboundMessage] | None = None,
    ) -> None:
        self.db, self.channels, self.clock = db, dict(channels), clock
        # Just before a channel sends: media references become signed links (bot/web/media).
        self.prepare = prepare
        self.limiter = limiter or RateLimiter()
        self.idle_poll = idle_poll
        self.gather = gather  # seconds to let replies accumulate: fewer, larger claims
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run_forever(self) -> None:
        await self.db.run(outbox.release_stale, self.clock())
        while True:
            try:
                sent = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox round failed")
                sent = 0
            if sent:
                await asyncio.sleep(self.gather)
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.idle_poll)
            except TimeoutError:
                continue
            await asyncio.sleep(self.gather)

    async def drain(self) -> int:
        """Rounds until nothing is due (the terminal chat, tests). Returns rows handled."""
        total = 0
        while handled := await self.run_once():
            total += handled
        return total

    async def run_once(self) -> int:
        """One round: claim what is due, deliver it, record outcomes. Returns rows handled."""
        if not self.channels:
            return 0
        now = self.clock()
        claimed = await self.db.run(outbox.claim_due, now, list(self.channels))
        if not claimed:
            return 0
        groups: dict[tuple[str, str], list[outbox.Claimed]] = {}
        for c in claimed:
            groups.setdefault((c.message.channel, c.message.address), []).append(c)
        results = await asyncio.gather(*(self._deliver(rows) for rows in groups.values()))
        outcomes = [o for group in results for o in group[0]]
        unreachable = [addr for group in results for addr in group[1]]
        await self.db.run(outbox.record_all, outcomes, unreachable)
        return len(claimed)

    async def _deliver(
        self, rows: list[outbox.Claimed]
    ) -> tuple[list[outbox.Outcome], list[tuple[str, str]]]:
        """One address's rows, in order; stops at the first that must wait."""
        outcomes: list[outbox.Outcome] = []
        for i, row in enumerate(rows):
            msg = self.prepare(row.message) if self.prepare else row.message
            channel = self.channels[msg.channel]
            if row.unreachable:
                result = DeliveryResult(Outcome.UNREACHABLE, error="contact unreachable")
            else:
                limit = channel.rate_limit
                await self.limiter.acquire(
                    msg.channel,
                    msg.address,
                    per_address=limit.per_address_per_second,
                    burst=limit.per_address_burst,
                    global_rate=limit.global_per_second,
                )
                try:
                    result = await channel.send(msg)
                except Exception as exc:  # a bug or network error in a channel: retry later
                    log.warning("channel %s raised %s", msg.channel, type(exc).__name__)
                    result = DeliveryResult(Outcome.RETRY, error=type(exc).__name__)
            now = self.clock()
            if result.outcome is Outcome.SENT:
                outcomes.append(outbox.Sent(row.id, result.provider_id, now))
                continue
            if result.outcome is Outcome.RETRY and row.attempts < MAX_ATTEMPTS:
                later = now + timedelta(seconds=backoff(row.attempts, result.retry_after))
                error = result.error or "retry"
                for waiting in rows[i:]:
                    tried = waiting is row  # the rows behind it were claimed, not tried
                    attempts = waiting.attempts - (0 if tried else 1)
                    outcomes.append(outbox.Retry(waiting.id, later, attempts, error))
                return outcomes, []
            if result.outcome is Outcome.UNREACHABLE:
                error = result.error or "unreachable"
                outcomes += [outbox.Finished(dropped.id, "failed", error) for dropped in rows[i:]]
                return outcomes, [] if row.unreachable else [(msg.channel, msg.address)]
            status: Literal["failed", "held"] = (
                "held" if result.outcome is Outcome.HELD else "failed"
            )
            outcomes.append(outbox.Finished(row.id, status, result.error or status))
        return outcomes, []
