"""The interface every channel implements, and the outcome of one delivery attempt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from bot.core.messages import InboundMessage, OutboundMessage

# What a channel is handed instead of the services: where messages from users go...
Handle = Callable[[InboundMessage], Awaitable[object]]
# ...where a platform's delivery report goes (provider message id, status, error code;
# True when the message was ours)...
StatusCallback = Callable[[str, str, str | None], Awaitable[bool]]
# ...and, for platforms with a command menu, texts by (key, language).
TextLookup = Callable[[str, str], str]


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary failure: try again later (429, 5xx, network)
    FAILED = "failed"  # permanent failure for this message
    UNREACHABLE = "unreachable"  # the user blocked the bot or left: stop sending to them
    HELD = "held"  # cannot be sent now by platform rules (WhatsApp 24-hour window)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    outcome: Outcome
    provider_id: str | None = None
    retry_after: float | None = None
    error: str | None = None


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
