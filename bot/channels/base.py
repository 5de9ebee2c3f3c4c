"""The interface every channel implements, and the outcome of one delivery attempt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.core.messages import InboundMessage, OutboundMessage


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A platform's report on a message we sent (Twilio status callback)."""

    provider_id: str
    status: str  # queued, sent, delivered, read, undelivered, failed…
    error: str | None = None  # the platform's error code
    unreachable: bool = False  # the code means the user blocked us or cannot receive


@dataclass(frozen=True, slots=True)
class ReachabilityChange:
    """The platform says a user can (not) receive from us any more, as of `at`
    (Telegram `my_chat_member`: the user blocked or unblocked the bot)."""

    channel: str
    address: str
    reachable: bool
    at: datetime


# What a channel is handed instead of the services: where messages from users go...
Handle = Callable[[InboundMessage], Awaitable[object]]
# ...where a platform's delivery report goes (True when the message was ours)...
StatusCallback = Callable[[DeliveryReport], Awaitable[bool]]
# ...where a user's blocking or unblocking goes...
ReachabilityCallback = Callable[[ReachabilityChange], Awaitable[None]]
# ...and, for platforms with a command menu, texts by (key, language).
TextLookup = Callable[[str, str], str]


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary failure: try again later (429, 5xx, network, timeout)
    FAILED = "failed"  # permanent failure for this message
    UNREACHABLE = "unreachable"  # the user blocked the bot or left: stop sending to them
    HELD = "held"  # cannot be sent now by platform rules (WhatsApp 24-hour window)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    outcome: Outcome
    provider_id: str | None = None
    retry_after: float | None = None
    error: str | None = None
    # Parts of a split message delivered so far (this attempt and earlier ones): a retry
    # resumes after them instead of repeating them.
    parts_done: int = 0


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Token buckets the sender applies: per address and for the whole channel."""

    per_address_per_second: float = 1.0
    per_address_burst: int = 3
    global_per_second: float = 30.0


class Channel(Protocol):
    name: str
    rate_limit: RateLimit

    async def send(self, message: OutboundMessage) -> DeliveryResult: ...


class HostedChannel(Channel, Protocol):
    """A channel that also receives: its web routes, and start/stop (webhook set-up, polling)."""

    def routes(self) -> list[Any]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
