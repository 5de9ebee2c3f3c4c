"""When reminders and nudges go: Paris local time (TIMEZONE), daylight-saving changes
included, never between 21:00 and 08:00. Pure functions of their arguments.

The day-before reminder goes at the same wall-clock time the day before (a person reads
"tomorrow at 10:00"); the short one a fixed elapsed time before. Datetimes in and out
are aware; the database keeps UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.ledger.calendar import YEARS, plausible

QUIET_FROM = time(21, 0)  # nothing is sent from 21:00…
QUIET_UNTIL = time(8, 0)  # …until 08:00, local time
EVENING = time(20, 0)  # a reminder that cannot go in the morning goes the evening before
MIN_NOTICE = timedelta(minutes=30)  # a morning reminder must come this long before
NUDGE_EVERY = timedelta(days=7)


def is_quiet(at: datetime, tz: ZoneInfo) -> bool:
    t = at.astimezone(tz).time()
    return t >= QUIET_FROM or t < QUIET_UNTIL


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The wall-clock time on a local day; a time skipped by the spring change moves on
    by the gap (02:30 -> 03:30), as `zoneinfo` resolves it with fold=0."""
    return datetime.combine(day, at).replace(tzinfo=tz).astimezone(tz)


def from_local(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time given by a person, in UTC. WallTimeError when that time does not
    exist (skipped in March) or happens twice (October): we never guess which was meant;
    likewise outside the years a person may name (bot.ledger.calendar.YEARS)."""
    if not plausible(naive):
        raise WallTimeError(f"{naive:%Y-%m-%d}: a date between {YEARS[0]} and {YEARS[-1]}", "year")
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise WallTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (clocks go forward)", "skipped"
        )
    if first.utcoffset() != second.utcoffset():
        raise WallTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (clocks go back)", "repeated"
        )
    return first.astimezone(UTC)


class WallTimeError(ValueError):
    """Why a wall-clock time cannot be used: `reason` is year, skipped or repeated."""

    def __init__(self, message: str, reason: Literal["year", "skipped", "repeated"]) -> None:
        super().__init__(message)
        self.reason = reason


def day_before(starts_at: datetime, tz: ZoneInfo) -> datetime:
    """Same wall-clock time, one calendar day earlier (23 or 25 hours over a change)."""
    local = starts_at.astimezone(tz)
    return _local(local.date() - timedelta(days=1), local.timetz().replace(tzinfo=None), tz)


def out_of_quiet_hours(wanted: datetime, starts_at: datetime, tz: ZoneInfo) -> datetime:
    """A reminder wanted in quiet hours goes at the next 08:00 if that is still at least
    30 minutes before the workshop, else at 20:00 the evening before that morning."""
    if not is_quiet(wanted, tz):
        return wanted
    local = wanted.astimezone(tz)
    morning_day = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    morning = _local(morning_day, QUIET_UNTIL, tz)
    if starts_at - morning >= MIN_NOTICE:
        return morning
    return _local(morning_day - timedelta(days=1), EVENING, tz)


def reminder_times(starts_at: datetime, tz: ZoneInfo) -> dict[str, datetime]:
    """The reminders of a workshop by name ("24h", "2h"), as UTC datetimes."""
    wanted = {"24h": day_before(starts_at, tz), "2h": starts_at - timedelta(hours=2)}
    return {
        name: out_of_quiet_hours(at, starts_at, tz).astimezone(UTC) for name, at in wanted.items()
    }


def next_daytime(at: datetime, tz: ZoneInfo) -> datetime:
    """`at`, or the next 08:00 when `at` falls in quiet hours."""
    if not is_quiet(at, tz):
        return at
    local = at.astimezone(tz)
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    return _local(day, QUIET_UNTIL, tz)


def next_nudge(after: datetime, tz: ZoneInfo) -> datetime:
    """A week later at the same wall-clock time (the hour the person was there), moved
    out of quiet hours."""
    local = after.astimezone(tz)
    wanted = _local(local.date() + NUDGE_EVERY, local.timetz().replace(tzinfo=None), tz)
    return next_daytime(wanted, tz).astimezone(UTC)
