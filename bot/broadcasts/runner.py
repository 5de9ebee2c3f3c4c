"""The background loop that sends broadcasts: starts those whose time has come, hands
their recipients to the outbox as the outbox drains (small batches, one transaction
each), and brings recipients' statuses up to date. It runs where the outbox sender runs.

Each channel is fed at its own pace: the outbox holds about `lead` seconds of a
channel's sends (its rate limit) that no sender has claimed yet. So a cancel stops the
rest at once, and whoever stops broadcasts, withdraws consent or is erased meanwhile is
skipped rather than sent to. The rows go at `Priority.BROADCAST`: the outbox's claims,
leases, priority gate and shared rate (bot/delivery/) do the rest, so a reply to someone
writing now never waits behind them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.broadcasts.composition import stop_lines
from bot.broadcasts.timing import in_quiet_hours
from bot.db.repos import broadcasts as repo
from bot.db.session import Database
from bot.settings import Settings
from content.catalog import Catalog

log = logging.getLogger(__name__)

DEFAULT_RATE = 30.0  # messages/s, for a channel this process does not know


class BroadcastRunner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        rates: Callable[[], Mapping[str, float]] = dict,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_queued: Callable[[], None] | None = None,
        catalog: Callable[[], Catalog] | None = None,
        lead: float = 1.0,
        min_backlog: int = 10,
        batch: int = 200,
        poll: float = 0.25,
        sync_every: float = 2.0,
    ) -> None:
        """`rates`: messages per second per channel (the channels' rate limits); `catalog`:
        the texts in use, for the stop line under every broadcast (else the shipped ones)."""
        self.db, self.clock, self.rates = db, clock, rates
        self.catalog = catalog
        self.tz = ZoneInfo(settings.timezone)
        self.settings_templates = frozenset(settings.twilio_templates)
        self.on_queued = on_queued
        self.lead, self.min_backlog, self.batch = lead, min_backlog, batch
        self.poll, self.sync_every = poll, sync_every
        self._synced = 0.0

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("broadcast round failed")
            await asyncio.sleep(self.poll)

    async def run_once(self) -> int:
        """One round; returns the recipients handed to the outbox."""
        now = self.clock()
        handed = 0
        if not in_quiet_hours(now, self.tz):
            for started in await self.db.run(repo.start_due, now):
                log.info("broadcast %d: sending starts", started)
            for broadcast_id in await self.db.run(repo.sending):
                handed += await self._feed(broadcast_id, now)
        if time.monotonic() - self._synced >= self.sync_every:
            self._synced = time.monotonic()
            await self.db.run(repo.sync_statuses, now)
        return handed

    def backlog(self, channel: str) -> int:
        """Unclaimed outbox rows to keep for `channel`: `lead` seconds of its sends."""
        rate = self.rates().get(channel, DEFAULT_RATE)
        return max(self.min_backlog, round(rate * self.lead))

    async def _feed(self, broadcast_id: int, now: datetime) -> int:
        handed = 0
        channels = await self.db.run(repo.waiting_channels, broadcast_id)
        pending = await self.db.run(repo.pending_backlog, broadcast_id) if channels else {}
        lines = stop_lines(self.catalog() if self.catalog else None)
        for channel in channels:
            want = self.backlog(channel) - pending.get(channel, 0)
            while want > 0:
                batch = await self.db.run(
                    repo.materialise,
                    broadcast_id,
                    now,
                    limit=min(want, self.batch),
                    channel=channel,
                    settings_templates=self.settings_templates,
                    stop_lines=lines,
                )
                handed += batch.queued
                want -= batch.queued
                if batch.queued and self.on_queued is not None:
                    self.on_queued()
                if not batch.queued and not batch.other:
                    break  # none left on this channel, or another worker holds them
        if not channels and await self.db.run(repo.finish_if_done, broadcast_id, now):
            log.info("broadcast %d: every recipient is handed to the outbox", broadcast_id)
        return handed

    async def drain(self) -> int:
        """Rounds until nothing more is handed over (tests, benchmarks)."""
        total = 0
        while handed := await self.run_once():
            total += handed
        return total
