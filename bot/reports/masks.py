"""A person's channel identity, masked ("WA •••• 44"): enough to tell two people apart in a
list, not enough to find anyone. The panel shows it to roles that do not answer people; the
digest e-mail always."""

from __future__ import annotations

from typing import Final

CHANNEL_SHORT: Final = {"whatsapp": "WA", "telegram": "TG", "console": "CLI"}


def masked(channel: str, address: str) -> str:
    """'whatsapp', '+33612345644' -> 'WA •••• 44'."""
    digits = "".join(ch for ch in address if ch.isalnum())
    short = CHANNEL_SHORT.get(channel, channel[:3].upper() or "?")
    return f"{short} •••• {digits[-2:]}" if len(digits) > 2 else f"{short} ••••"
