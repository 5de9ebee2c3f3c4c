"""The background loop that sends broadcasts: starts those whose time has come, hands
their recipients to the outbox in small batches (one transaction each) as the outbox
drains, and brings recipients' statuses up to date. It runs where the outbox sender runs.

The outbox never holds more than about `backlog` rows of one broadcast: a cancel stops
the rest at once, and replies to people writing now do not queue behind thousands.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.broadcasts.timing import in_quiet_hours
from bot.db.repos import broadcasts as repo
from bot.db.session import Database
from bot.settings import Settings

log = logging.getLogger(__name__)


class BroadcastRunner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_queued: Callable[[], None] | None = None,
        batch: int = 200,
        backlog: int = 400,
        poll: float = 0.5,
        sync_every: float = 2.0,
    ) -> None:
        self.db, self.clock = db, clock
        self.tz = ZoneInfo(settings.timezone)
        self.settings_templates = frozenset(settings.twilio_templates)
        self.on_queued = on_queued
        self.batch, self.backlog = batch, backlog
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

    async def _feed(self, broadcast_id: int, now: datetime) -> int:
        """Batches until the outbox holds `backlog` of this broadcast's rows, or none wait."""
        handed = 0
        while await self.db.run(repo.queued_backlog, broadcast_id) < self.backlog:
            batch = await self.db.run(
                repo.materialise,
                broadcast_id,
                now,
                limit=self.batch,
                settings_templates=self.settings_templates,
            )
            handed += batch.queued
            if batch.queued and self.on_queued is not None:
                self.on_queued()
            if batch.finished:
                log.info("broadcast %d: every recipient is handed to the outbox", broadcast_id)
                break
            if not batch.queued and not batch.other:
                break  # the rest is held by another worker
        return handed

    async def drain(self) -> int:
        """Rounds until nothing more is handed over (tests, benchmarks)."""
        total = 0
        while handed := await self.run_once():
            total += handed
        return total
