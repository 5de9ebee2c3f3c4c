"""Times typed in TIMEZONE, and the quiet hours (21:00–08:00) when nothing is sent."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.broadcasts.timing import TimingError, first_allowed, in_quiet_hours, parse_local

PARIS = ZoneInfo("Europe/Paris")


def test_parse_local_is_paris_time() -> None:
    assert parse_local("2026-12-02 10:00", PARIS) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert parse_local("2026-07-02 10:00", PARIS) == datetime(2026, 7, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-02",
        "10:00",
        "2026-13-01 10:00",
        "02/12/2026 10:00",
        "2026-03-29 02:30",
        "2026-10-25 02:30",
    ],
)
def test_parse_local_refuses(value: str) -> None:
    with pytest.raises(TimingError):
        parse_local(value, PARIS)


@pytest.mark.parametrize(
    ("local", "quiet", "starts"),
    [
        ("2026-12-02 10:00", False, "2026-12-02 10:00"),
        ("2026-12-02 20:59", False, "2026-12-02 20:59"),
        ("2026-12-02 21:00", True, "2026-12-03 08:00"),
        ("2026-12-02 23:30", True, "2026-12-03 08:00"),
        ("2026-12-03 07:59", True, "2026-12-03 08:00"),
        ("2026-12-03 08:00", False, "2026-12-03 08:00"),
        ("2026-03-28 22:00", True, "2026-03-29 08:00"),  # the night clocks go forward
    ],
)
def test_quiet_hours(local: str, quiet: bool, starts: str) -> None:
    at = parse_local(local, PARIS)
    assert in_quiet_hours(at, PARIS) is quiet
    assert first_allowed(at, PARIS) == parse_local(starts, PARIS)
