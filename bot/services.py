"""The running parts of one process, built from settings: database, dispatcher, sender, channels."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from bot.broadcasts.runner import BroadcastRunner
from bot.broadcasts.service import BroadcastService
from bot.channels.base import Channel, DeliveryReport, HostedChannel, ReachabilityChange
from bot.channels.registry import hosted_channels
from bot.core.content import ContentReloader, load_content
from bot.core.dispatcher import Dispatcher, HandleResult
from bot.core.lookup import settings_facts
from bot.core.messages import InboundMessage
from bot.core.programme import Programme
from bot.db.migrate import ensure_migrated
from bot.db.repos import broadcasts as broadcasts_repo
from bot.db.repos.privacy import purge_inactive
from bot.db.session import Database
from bot.delivery import outbox, reachability
from bot.delivery.jobs import ChecklistSource
from bot.delivery.jobs.nudge import shipped_checklist
from bot.delivery.ratelimit import RateLimiter, SharedRateLimiter
from bot.delivery.scheduler import Scheduler
from bot.delivery.sender import OutboxSender
from bot.reports import mail
from bot.settings import Settings
from bot.web.media import MediaLinks
from content.catalog import Catalog
from flows.engine import Environment
from nlu.backend import EmbeddedBackend, NluBackend, make_backend

log = logging.getLogger(__name__)
RETENTION_EVERY = 6 * 3600.0  # seconds between retention passes

Loop = Callable[[], Coroutine[Any, Any, None]]


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        db: Database | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.db = db or Database(settings.database_url)
        self.clock = clock
        self.channels: dict[str, Channel] = {}
        self.hosted: list[HostedChannel] = []
        self.dispatcher: Dispatcher | None = None
        self.nlu: NluBackend = EmbeddedBackend()
        self.sender: OutboxSender | None = None
        self.scheduler: Scheduler | None = None
        self.broadcasts: BroadcastRunner | None = None
        # Which steps apply to a contact, for the weekly nudge (the journeys' content).
        self.checklist: ChecklistSource | None = shipped_checklist
        self.media = MediaLinks(
            settings.effective_secret_key, settings.public_base_url, settings.effective_media_dir
        )
        self.content: ContentReloader | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def open(self) -> None:
        """Check the schema, load flows and texts, build the dispatcher and the sender."""
        await ensure_migrated(self.db)
        loaded = await load_content(self.db)
        self.nlu = make_backend(
            self.settings.nlu_backend, self.settings.rasa_url, self.settings.nlu_model_dir
        )
        # Several processes may send on PostgreSQL (workers): they share each channel's
        # rate through the database. On SQLite there is one sender.
        limiter = RateLimiter() if self.db.is_sqlite else SharedRateLimiter(self.db)
        self.sender = OutboxSender(
            self.db,
            self.channels,
            clock=self.clock,
            prepare=self.media.prepare,
            limiter=limiter,
            lease=timedelta(seconds=self.settings.outbox_lease_seconds),
            send_timeout=self.settings.outbox_send_timeout_seconds,
            max_in_flight=self.settings.outbox_max_in_flight,
        )
        self.dispatcher = Dispatcher(
            self.db,
            loaded.env,
            self.nlu,
            on_commit=self.sender.wake,
            clock=self.clock,
            facts=settings_facts(self.settings.retention_days),
            programme=Programme.from_settings(self.settings),
        )
        self.scheduler = Scheduler(
            self.db,
            self.catalog,
            self.settings.tz,
            checklist=self.checklist,
            on_enqueue=self.sender.wake,
            clock=self.clock,
        )
        self.broadcasts = BroadcastRunner(
            self.db,
            self.settings,
            rates=self._rates,
            clock=self.clock,
            on_queued=self.sender.wake,
            catalog=self.catalog,
        )
        self.content = ContentReloader(self.db, loaded, self._use_content)
        _tune_gc()

    def install_channels(self) -> None:
        """Host the channels the settings enable; they call back through `handle`,
        `record_status`, `record_reachability` and `text`, never into the services."""
        for channel in hosted_channels(
            self.settings,
            handle=self.handle,
            on_status=self.record_status,
            on_reachability=self.record_reachability,
            text=self.text,
        ):
            self.host(channel)

    async def handle(self, message: InboundMessage) -> HandleResult:
        """A message from a user; returns once its effects are committed."""
        if self.dispatcher is None:
            raise RuntimeError("services are not open")
        return await self.dispatcher.handle(message)

    async def record_status(self, report: DeliveryReport) -> bool:
        """A platform's delivery report; True when the message was ours."""
        return await self.db.run(_record_status, report)

    async def record_reachability(self, change: ReachabilityChange) -> None:
        """A user blocked or unblocked the bot."""
        await self.db.run(reachability.apply_change, change)

    def catalog(self) -> Catalog:
        """The texts in use (the dispatcher's: loaded from the database at start)."""
        if self.dispatcher is None:
            raise RuntimeError("services are not open")
        return self.dispatcher.env.catalog

    def text(self, key: str, lang: str) -> str:
        if self.dispatcher is None:
            return key
        return self.dispatcher.env.catalog.text(key, lang)

    @functools.cached_property
    def broadcast_service(self) -> BroadcastService:
        """Broadcasts as the admin pages use them (one translator, loaded once)."""
        return BroadcastService(self.db, self.settings, clock=self.clock)

    def _rates(self) -> dict[str, float]:
        return {name: ch.rate_limit.global_per_second for name, ch in self.channels.items()}

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        if self.sender is not None:
            self.sender.channels[channel.name] = channel

    def host(self, channel: HostedChannel) -> None:
        self.add_channel(channel)
        self.hosted.append(channel)

    def delivery_loops(self) -> dict[str, Loop]:
        """The loops that run where messages are sent from: in `serve` when WORKER_ENABLED
        is false, else in each `python -m bot worker` (never in both).

        The scheduler's jobs are claimed once across processes, and what a job sends is
        queued with `outbox.enqueue` at `Priority.REMINDER` in the same transaction that
        marks the job done; the broadcast runner hands recipients to the outbox at
        `Priority.BROADCAST`, each batch claimed once across processes likewise.
        """
        loops: dict[str, Loop] = {"retention": self._retention_loop}
        if self.sender is not None:
            loops["outbox"] = self.sender.run_forever
        if self.scheduler is not None:
            loops["scheduler"] = self.scheduler.run_forever
        if mail.configured(self.settings):  # the daily digest e-mail, sent once a day
            loops["digest"] = self._digest_loop
        if self.broadcasts is not None:
            loops["broadcasts"] = self.broadcasts.run_forever
        return loops

    async def _digest_loop(self) -> None:
        await mail.run_forever(self.db, self.settings, self.clock)

    async def start_background(self, *, receive: bool, deliver: bool) -> None:
        """receive: the web process (webhook set-up or Telegram polling — two pollers of one
        bot would conflict — and the NLU model). deliver: the `delivery_loops`."""
        if receive:
            # The model loads now, in a thread, not inside the first message's turn
            # (~0.3 s during which no other webhook would be answered).
            await asyncio.to_thread(self.nlu.warm_up)
            _tune_gc()
            for ch in self.hosted:
                await ch.start()
        if self.content is not None:  # published flows and texts reach every process
            self._tasks.append(asyncio.create_task(self.content.run_forever(), name="content"))
        if deliver:
            for name, loop in self.delivery_loops().items():
                self._tasks.append(asyncio.create_task(loop(), name=name))

    def _use_content(self, env: Environment) -> None:
        if self.dispatcher is not None:
            self.dispatcher.env = env

    async def _retention_loop(self) -> None:
        while True:
            try:
                n = await self.db.run(
                    purge_inactive,
                    now=self.clock(),
                    retention_days=self.settings.retention_days,
                    tz=self.settings.tz,
                )
                if n:
                    log.info("retention: erased %d inactive contacts", n)
            except Exception as exc:
                log.warning("retention pass failed (%s)", type(exc).__name__)
                log.debug("retention pass failed", exc_info=True)
            await asyncio.sleep(RETENTION_EVERY)

    async def close(self) -> None:
        # Cancelled, the sender lets sends in flight finish and gives back the rest.
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for ch in self.hosted:
            with contextlib.suppress(Exception):
                await ch.stop()
        if self.dispatcher is not None:
            await self.dispatcher.close()
        await self.db.dispose()


def _record_status(conn: Connection, report: DeliveryReport) -> bool:
    """The outbox row, and the broadcast recipient it was for, in one transaction."""
    known = outbox.record_status(
        conn, report.provider_id, report.status, report.error, report.unreachable
    )
    if known:
        broadcasts_repo.record_report(conn, report.provider_id, report.status, report.error)
    return known


def _tune_gc() -> None:
    """Long-lived start-up objects (flows, texts, models) leave the collector's view, and
    young collections run less often: full collections otherwise pause every message."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
