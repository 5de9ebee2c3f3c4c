"""Whether a contact can receive from us: platforms say when a user blocks the bot (a 403,
Twilio 63014, Telegram `my_chat_member`); a user who writes again is reachable again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, or_, update

from bot.channels.base import ReachabilityChange
from bot.db.tables import identities


def mark_unreachable(conn: Connection, channel: str, address: str, *, since: datetime) -> bool:
    """The platform said at `since` that the user cannot receive; unless they wrote to us
    after that (an old refusal never silences someone who came back)."""
    result = conn.execute(
        update(identities)
        .where(
            identities.c.channel == channel,
            identities.c.address == address,
            or_(identities.c.last_inbound_at.is_(None), identities.c.last_inbound_at < since),
        )
        .values(unreachable=True)
    )
    return bool(result.rowcount)


def mark_reachable(conn: Connection, channel: str, address: str) -> bool:
    result = conn.execute(
        update(identities)
        .where(identities.c.channel == channel, identities.c.address == address)
        .values(unreachable=False)
    )
    return bool(result.rowcount)


def apply_change(conn: Connection, change: ReachabilityChange) -> bool:
    """A user blocked or unblocked the bot; False when we do not know them."""
    if change.reachable:
        return mark_reachable(conn, change.channel, change.address)
    return mark_unreachable(conn, change.channel, change.address, since=change.at)
