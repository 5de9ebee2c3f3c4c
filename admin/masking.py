"""How a person's channel identity appears in the panel: masked ("WA •••• 44") unless the
viewer's role needs it (facilitators answer people; staff only read figures)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.reports.masks import CHANNEL_SHORT, masked

if TYPE_CHECKING:
    from admin.deps import Ctx

__all__ = ["CHANNEL_SHORT", "mask_identity", "masked"]


def mask_identity(ctx: Ctx, channel: str, address: str) -> str:
    """The template filter `{{ ctx|mask(channel, address) }}`: in full for facilitators
    and admins, masked for staff."""
    from admin.deps import Role

    if ctx.can(Role.facilitator):
        return f"{CHANNEL_SHORT.get(channel, channel)} {address}"
    return masked(channel, address)
