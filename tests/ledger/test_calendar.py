"""Business days in Europe/Paris: midnight, and the daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.ledger.calendar import business_date, closable_through, local_instant, month_bounds
from tests.ledger.conftest import TZ


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # Winter (UTC+1): Paris midnight is 23:00 UTC the day before.
        ("2026-11-03T22:59:59.999999", date(2026, 11, 3)),
        ("2026-11-03T23:00:00", date(2026, 11, 4)),
        # Summer (UTC+2): 22:00 UTC.
        ("2026-07-14T21:59:59", date(2026, 7, 14)),
        ("2026-07-14T22:00:00", date(2026, 7, 15)),
        # New Year's Eve, in Paris first.
        ("2026-12-31T23:00:00", date(2027, 1, 1)),
        # Spring forward, Sunday 29 March 2026 (02:00 -> 03:00): a 23-hour day.
        ("2026-03-28T22:59:59", date(2026, 3, 28)),
        ("2026-03-28T23:00:00", date(2026, 3, 29)),  # 00:00 +01:00
        ("2026-03-29T00:59:59", date(2026, 3, 29)),  # 01:59:59 +01:00
        ("2026-03-29T01:00:00", date(2026, 3, 29)),  # 03:00 +02:00
        ("2026-03-29T21:59:59", date(2026, 3, 29)),  # 23:59:59 +02:00
        ("2026-03-29T22:00:00", date(2026, 3, 30)),
        # Fall back, Sunday 25 October 2026 (03:00 -> 02:00): a 25-hour day.
        ("2026-10-24T21:59:59", date(2026, 10, 24)),
        ("2026-10-24T22:00:00", date(2026, 10, 25)),  # 00:00 +02:00
        ("2026-10-25T00:30:00", date(2026, 10, 25)),  # 02:30 +02:00
        ("2026-10-25T01:30:00", date(2026, 10, 25)),  # 02:30 +01:00, again
        ("2026-10-25T22:59:59", date(2026, 10, 25)),  # 23:59:59 +01:00
        ("2026-10-25T23:00:00", date(2026, 10, 26)),
    ],
)
def test_business_date_is_the_day_in_paris(instant: str, day: date) -> None:
    assert business_date(utc(instant), TZ) == day


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        business_date(datetime(2026, 11, 3, 12), TZ)


def test_a_day_closes_once_the_next_day_is_over() -> None:
    # On the 5th (any hour), the 3rd may close; the 4th (yesterday) stays open.
    assert closable_through(utc("2026-11-04T23:00:00"), TZ) == date(2026, 11, 3)
    assert closable_through(utc("2026-11-04T22:59:59"), TZ) == date(2026, 11, 2)
    # Across the spring change: at 00:00 on 31 March, 29 March (23 hours) may close.
    assert closable_through(utc("2026-03-30T22:00:00"), TZ) == date(2026, 3, 29)
    assert closable_through(utc("2026-03-30T21:59:59"), TZ) == date(2026, 3, 28)
    # Across the autumn change: 25 October (25 hours) closes at 00:00 on the 27th.
    assert closable_through(utc("2026-10-26T23:00:00"), TZ) == date(2026, 10, 25)
    assert closable_through(utc("2026-10-26T22:59:59"), TZ) == date(2026, 10, 24)


def test_reminder_instants_follow_the_wall_clock() -> None:
    eight_pm = time(20, 0)
    assert local_instant(date(2026, 3, 28), eight_pm, TZ) == utc("2026-03-28T19:00:00")
    assert local_instant(date(2026, 3, 29), eight_pm, TZ) == utc("2026-03-29T18:00:00")
    assert local_instant(date(2026, 10, 25), eight_pm, TZ) == utc("2026-10-25T19:00:00")
    # 02:30 does not exist on 29 March: the clock shows 03:30 at that instant.
    skipped = local_instant(date(2026, 3, 29), time(2, 30), TZ)
    assert skipped == utc("2026-03-29T01:30:00")
    assert skipped.astimezone(TZ).time() == time(3, 30)


def test_month_bounds() -> None:
    assert month_bounds("2026-11") == (date(2026, 11, 1), date(2026, 12, 1))
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
