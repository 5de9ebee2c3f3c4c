"""How a person's channel identity appears in the panel: masked ("WA •••• 44") unless the
viewer's role needs it (facilitators answer people; staff only read figures)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from admin.deps import Ctx

CHANNEL_SHORT = {"whatsapp": "WA", "telegram": "TG", "console": "CLI"}


def masked(channel: str, address: str) -> str:
    """'whatsapp', '+33612345644' -> 'WA •••• 44': enough to tell two people apart in a
    list, not enough to find anyone."""
    digits = "".join(ch for ch in address if ch.isalnum())
    short = CHANNEL_SHORT.get(channel, channel[:3].upper() or "?")
    return f"{short} •••• {digits[-2:]}" if len(digits) > 2 else f"{short} ••••"


def mask_identity(ctx: Ctx, channel: str, address: str) -> str:
    """The template filter `{{ ctx|mask(channel, address) }}`: in full for facilitators
    and admins, masked for staff."""
    from admin.deps import Role

    if ctx.can(Role.facilitator):
        return f"{CHANNEL_SHORT.get(channel, channel)} {address}"
    return masked(channel, address)
