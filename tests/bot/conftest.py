"""A running conversation stack on the test database, with a recording channel."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.core.dispatcher import HandleResult
from bot.core.messages import Attachment, InboundMessage, OutboundMessage
from bot.db.session import Database
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
