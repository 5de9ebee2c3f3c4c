"""Business days in TIMEZONE (Europe/Paris): which day a sale belongs to, which days are
closed, when a day's reminder is due. Dates, not durations: days of 23 or 25 hours
(daylight-saving changes) need no special case."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)
# The years a person or a command may name: 0001 or 9999 is a typo, and beyond these
# dates arithmetic (the day after, the month's end, UTC bounds) overflows.
YEARS = range(2000, 2100)


def plausible(day: date | datetime) -> bool:
    return day.year in YEARS


def business_date(now: datetime, tz: ZoneInfo) -> date:
    """The day `now` (aware) falls on in `tz`."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given; use datetime.now(UTC)")
    return now.astimezone(tz).date()


def closable_through(now: datetime, tz: ZoneInfo) -> date:
    """The last day that may be closed at `now`: day D closes once D + 1 is over, so that
    yesterday stays open to members."""
    return business_date(now, tz) - 2 * ONE_DAY


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of `at` o'clock on `day` in `tz`. A wall time skipped in spring comes
    out an hour later, as clocks move; one repeated in autumn is its first occurrence."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def month_bounds(month: str) -> tuple[date, date]:
    """ "2026-11" -> (first day, first day of the next month); ValueError outside YEARS."""
    year, mon = (int(p) for p in month.split("-"))
    start = date(year, mon, 1)
    if not plausible(start):
        raise ValueError(f"{month}: a month between {YEARS[0]} and {YEARS[-1]}")
    return start, date(year + (mon == 12), mon % 12 + 1, 1)
