"""When a broadcast may go: a facilitator's local time (TIMEZONE) read once, and the quiet
hours of reminders (bot/delivery/timing.py: 21:00–08:00), during which nothing starts or
continues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.delivery.timing import from_local, is_quiet, next_daytime

LOCAL_FORMAT: Final = "%Y-%m-%d %H:%M"
# A time a few seconds old is "now" (typed a minute ago); older is in the past.
PAST_GRACE: Final = timedelta(minutes=1)


class TimingError(ValueError):
    """A time that cannot be used; the message says why."""


def parse_local(value: str, tz: ZoneInfo) -> datetime:
    """ "YYYY-MM-DD HH:MM" in `tz`, as UTC. A time skipped or repeated by a clock change is
    refused: we never guess which one was meant."""
    try:
        naive = datetime.strptime(value.strip(), LOCAL_FORMAT)
    except ValueError:
        raise TimingError(f"{value!r} is not a time as YYYY-MM-DD HH:MM") from None
    try:
        return from_local(naive, tz)
    except ValueError as exc:
        raise TimingError(str(exc)) from None


def in_quiet_hours(at: datetime, tz: ZoneInfo) -> bool:
    return is_quiet(at, tz)


def first_allowed(at: datetime, tz: ZoneInfo) -> datetime:
    """`at`, or the end of the quiet hours it falls in (UTC)."""
    return next_daytime(at, tz).astimezone(UTC)


def local_text(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime(LOCAL_FORMAT)
