"""A running conversation stack on the test database, with a recording channel; and the same
stack on a clock the test moves, for the scheduler's timed jobs."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.core.dispatcher import HandleResult
from bot.core.messages import Attachment, InboundMessage, OutboundMessage
from bot.db.session import Database
from bot.delivery.scheduler import Scheduler
from bot.services import Services
from bot.settings import Settings

_ids = itertools.count(1)


@dataclass
class Chat:
    services: Services
    channel: RecordingChannel

    async def send(
        self,
        address: str,
        text: str = "",
        *,
        payload: str | None = None,
        external_id: str | None = None,
        attachments: tuple[Attachment, ...] = (),
        locale_hint: str | None = None,
    ) -> HandleResult:
        assert self.services.dispatcher is not None
        return await self.services.dispatcher.handle(
            InboundMessage(
                channel=self.channel.name,
                address=address,
                external_id=external_id or f"m{next(_ids)}",
                text=text,
                payload=payload,
                attachments=attachments,
                locale_hint=locale_hint,
            )
        )

    async def deliver(self) -> int:
        assert self.services.sender is not None
        return await self.services.sender.drain()

    async def say(self, address: str, text: str = "", **kw: object) -> list[OutboundMessage]:
        """Send one message and return the replies delivered for it."""
        before = len(self.channel.sent)
        await self.send(address, text, **kw)  # type: ignore[arg-type]
        await self.deliver()
        return [m for m in self.channel.sent[before:] if m.address == address]


@pytest.fixture
async def chat(db: Database) -> AsyncIterator[Chat]:
    await seed_if_empty(db)
    services = Services(Settings(database_url=db.url), db=db)
    channel = RecordingChannel("test")
    await services.open()
    services.add_channel(channel)
    yield Chat(services, channel)
    if services.dispatcher is not None:
        await services.dispatcher.close()


PARIS = ZoneInfo("Europe/Paris")


def paris(text_: str) -> datetime:
    return datetime.strptime(text_, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS).astimezone(UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Scheduled:
    """The stack with its scheduler and sender, on a clock the test moves."""

    services: Services
    channel: RecordingChannel
    clock: Clock

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def scheduler(self) -> Scheduler:
        assert self.services.scheduler is not None
        return self.services.scheduler

    async def at(self, when: str, *schedulers: Scheduler) -> list[tuple[str, str]]:
        """Move the clock, run the scheduler(s) (by default the stack's own) and the sender;
        (address, text) sent."""
        self.clock.now = paris(when)
        before = len(self.channel.sent)
        await asyncio.gather(*(s.drain() for s in (schedulers or (self.scheduler,))))
        assert self.services.sender is not None
        await self.services.sender.drain()
        return [(m.address, m.text) for m in self.channel.sent[before:]]

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.db.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())


@asynccontextmanager
async def scheduled(db: Database, start: str) -> AsyncIterator[Scheduled]:
    """The seeded stack, open, with its clock at `start` (Paris time, "2026-11-02 10:00")."""
    await seed_if_empty(db)
    clock = Clock(paris(start))
    services = Services(Settings(_env_file=None, database_url=db.url), db=db, clock=clock)  # type: ignore[call-arg]
    await services.open()
    channel = RecordingChannel("test")
    services.add_channel(channel)
    yield Scheduled(services, channel, clock)
    if services.dispatcher is not None:
        await services.dispatcher.close()
