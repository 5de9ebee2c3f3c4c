"""Reminder and nudge times in Paris local time, across the March and October changes,
never between 21:00 and 08:00 (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.timing import (
    from_local,
    is_quiet,
    next_daytime,
    next_nudge,
    out_of_quiet_hours,
    reminder_times,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    """ "2026-03-29 10:00" as a Paris wall-clock time (unambiguous ones only)."""
    return from_local(datetime.strptime(text, "%Y-%m-%d %H:%M"), PARIS)


def shown(at: datetime) -> str:
    return at.astimezone(PARIS).strftime("%Y-%m-%d %H:%M %Z")


# workshop (Paris) -> the 24 h reminder, the 2 h reminder (Paris, with the offset in force).
# 2026: clocks go forward on Sunday 29 March (02:00 -> 03:00), back on Sunday 25 October
# (03:00 -> 02:00).
REMINDERS = [
    # Spring: the day before is 23 hours earlier, at the same wall-clock time.
    ("2026-03-29 10:00", "2026-03-28 10:00 CET", "2026-03-29 08:00 CEST"),
    ("2026-03-30 10:00", "2026-03-29 10:00 CEST", "2026-03-30 08:00 CEST"),
    # 2 h before falls at 07:00: 08:00 is still an hour before, so 08:00.
    ("2026-03-29 09:00", "2026-03-28 09:00 CET", "2026-03-29 08:00 CEST"),
    # 2 h before the 04:00 workshop is 01:00 CET (the clock jumped): the evening before.
    ("2026-03-29 04:00", "2026-03-28 08:00 CET", "2026-03-28 20:00 CET"),
    # The day before's 02:30 does not exist; it is night anyway: 08:00 that morning.
    ("2026-03-30 02:30", "2026-03-29 08:00 CEST", "2026-03-29 20:00 CEST"),
    # Autumn: the day before is 25 hours earlier.
    ("2026-10-25 10:00", "2026-10-24 10:00 CEST", "2026-10-25 08:00 CET"),
    ("2026-10-26 09:00", "2026-10-25 09:00 CET", "2026-10-26 08:00 CET"),
    # 08:00 would be only 15 minutes before the workshop: 20:00 the evening before.
    ("2026-10-25 08:15", "2026-10-24 08:15 CEST", "2026-10-24 20:00 CEST"),
    # Late workshops: the day before's 22:30 moves to the next morning.
    ("2026-03-31 22:30", "2026-03-31 08:00 CEST", "2026-03-31 20:30 CEST"),
    ("2026-10-24 21:30", "2026-10-24 08:00 CEST", "2026-10-24 19:30 CEST"),
    # An ordinary afternoon.
    ("2026-12-12 14:30", "2026-12-11 14:30 CET", "2026-12-12 12:30 CET"),
]


@pytest.mark.parametrize(("workshop", "day_before", "two_hours"), REMINDERS)
def test_reminder_times(workshop: str, day_before: str, two_hours: str) -> None:
    starts = paris(workshop)
    times = reminder_times(starts, PARIS)
    assert (shown(times["24h"]), shown(times["2h"])) == (day_before, two_hours)
    for at in times.values():
        assert at.tzinfo is UTC or at.utcoffset() == timedelta(0)
        assert not is_quiet(at, PARIS) and at < starts


def test_the_day_before_is_23_or_25_hours_over_a_change() -> None:
    spring, autumn = paris("2026-03-29 10:00"), paris("2026-10-25 10:00")
    assert spring - reminder_times(spring, PARIS)["24h"] == timedelta(hours=23)
    assert autumn - reminder_times(autumn, PARIS)["24h"] == timedelta(hours=25)


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        ("2026-06-01 07:59", True),
        ("2026-06-01 08:00", False),
        ("2026-06-01 20:59", False),
        ("2026-06-01 21:00", True),
        ("2026-06-01 23:30", True),
        ("2026-06-01 00:00", True),
        ("2026-03-29 03:30", True),
        ("2026-10-25 20:30", False),
    ],
)
def test_quiet_hours(local: str, quiet: bool) -> None:
    assert is_quiet(paris(local), PARIS) is quiet


@pytest.mark.parametrize(
    ("wanted", "workshop", "sent"),
    [
        ("2026-06-01 22:00", "2026-06-02 09:00", "2026-06-02 08:00 CEST"),  # next morning
        ("2026-06-02 06:00", "2026-06-02 08:29", "2026-06-01 20:00 CEST"),  # 29 min: evening
        ("2026-06-02 06:00", "2026-06-02 08:30", "2026-06-02 08:00 CEST"),  # 30 min: morning
        ("2026-06-02 12:00", "2026-06-02 14:00", "2026-06-02 12:00 CEST"),  # daytime: as is
    ],
)
def test_out_of_quiet_hours(wanted: str, workshop: str, sent: str) -> None:
    assert shown(out_of_quiet_hours(paris(wanted), paris(workshop), PARIS)) == sent


@pytest.mark.parametrize(
    ("last_seen", "nudge"),
    [
        ("2026-03-21 10:00", "2026-03-28 10:00 CET"),
        ("2026-03-28 10:00", "2026-04-04 10:00 CEST"),  # same hour after the change
        ("2026-10-24 22:00", "2026-11-01 08:00 CET"),  # night: the next morning
        ("2026-10-20 06:30", "2026-10-27 08:00 CET"),
    ],
)
def test_weekly_nudge(last_seen: str, nudge: str) -> None:
    assert shown(next_nudge(paris(last_seen), PARIS)) == nudge


def test_next_daytime() -> None:
    assert shown(next_daytime(paris("2026-06-01 23:00"), PARIS)) == "2026-06-02 08:00 CEST"
    assert shown(next_daytime(paris("2026-06-01 15:00"), PARIS)) == "2026-06-01 15:00 CEST"


@pytest.mark.parametrize(
    ("local", "error"),
    [("2026-03-29 02:30", "does not exist"), ("2026-10-25 02:30", "happens twice")],
)
def test_a_time_that_is_skipped_or_repeated_is_refused(local: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        from_local(datetime.strptime(local, "%Y-%m-%d %H:%M"), PARIS)
