"""A channel that keeps what it is asked to send: for tests, benchmarks and the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.channels.base import DeliveryResult, Outcome, RateLimit
from bot.core.messages import OutboundMessage


class RecordingChannel:
    rate_limit = RateLimit(
        per_address_per_second=10_000, per_address_burst=10_000, global_per_second=100_000
    )

    def __init__(
        self,
        name: str = "test",
        outcome: Callable[[OutboundMessage], DeliveryResult] | None = None,
    ) -> None:
        self.name = name
        self.sent: list[OutboundMessage] = []
        self.attempts: list[OutboundMessage] = []
        self.outcome = outcome
        self.delivered = asyncio.Condition()

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        self.attempts.append(message)
        result = self.outcome(message) if self.outcome else DeliveryResult(Outcome.SENT)
        if result.outcome is Outcome.SENT:
            self.sent.append(message)
            result = DeliveryResult(Outcome.SENT, provider_id=f"{self.name}-{len(self.sent)}")
        return result

    def texts(self, address: str | None = None) -> list[str]:
        return [m.text for m in self.sent if address is None or m.address == address]
