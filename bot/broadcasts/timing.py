"""When a broadcast may go: a facilitator's local time (TIMEZONE) read once, and the quiet
hours (21:00–08:00, the same as reminders), during which nothing starts or continues."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

QUIET_START: Final = time(21, 0)
QUIET_END: Final = time(8, 0)
LOCAL_FORMAT: Final = "%Y-%m-%d %H:%M"
# A time a few seconds old is "now" (typed a minute ago); older is in the past.
PAST_GRACE: Final = timedelta(minutes=1)


class TimingError(ValueError):
    """A time that cannot be used; the message says why."""


def parse_local(value: str, tz: ZoneInfo) -> datetime:
    """ "YYYY-MM-DD HH:MM" in `tz`, as UTC. A time skipped by a clock change is refused."""
    try:
        naive = datetime.strptime(value.strip(), LOCAL_FORMAT)
    except ValueError:
        raise TimingError(f"{value!r} is not a time as YYYY-MM-DD HH:MM") from None
    local = naive.replace(tzinfo=tz)
    back = local.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != naive:
        raise TimingError(f"{value} does not exist in {tz.key} (the clocks change then)")
    return local.astimezone(UTC)


def in_quiet_hours(at: datetime, tz: ZoneInfo) -> bool:
    local = at.astimezone(tz).time()
    return local >= QUIET_START or local < QUIET_END


def first_allowed(at: datetime, tz: ZoneInfo) -> datetime:
    """`at`, or the end of the quiet hours it falls in (UTC)."""
    if not in_quiet_hours(at, tz):
        return at
    local = at.astimezone(tz)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=tz).astimezone(UTC)


def local_text(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime(LOCAL_FORMAT)
