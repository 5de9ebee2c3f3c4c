"""The terminal channel: `python -m bot chat` reads lines and prints the bot's replies."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.channels.base import DeliveryResult, Outcome, RateLimit
from bot.core.messages import OutboundMessage
from bot.core.render import numbered


class ConsoleChannel:
    name = "console"
    rate_limit = RateLimit(
        per_address_per_second=1000, per_address_burst=1000, global_per_second=1000
    )

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.sent = 0

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        text = numbered(message, emoji=False)
        for a in message.attachments:
            text += f"\n[{a.kind}: {a.ref}]"
        self.out.write(text + "\n\n")
        self.out.flush()
        self.sent += 1
        return DeliveryResult(Outcome.SENT, provider_id=f"console-{self.sent}")
