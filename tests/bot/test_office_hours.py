"""OFFICE_HOURS: parsed with clear errors, and the next time a person is there."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.core.office_hours import parse_office_hours
from bot.settings import Settings

PARIS = ZoneInfo("Europe/Paris")
HOURS = parse_office_hours("mon-thu 09:00-12:30,14:00-17:00; fri 09:00-12:00")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("now", "answer"),
    [
        ("2026-12-02 10:00", None),  # Wednesday morning: someone is there
        ("2026-12-02 13:00", "2026-12-02 14:00"),  # lunch
        ("2026-12-02 18:00", "2026-12-03 09:00"),  # evening: tomorrow morning
        ("2026-12-04 12:30", "2026-12-07 09:00"),  # Friday afternoon: Monday
        ("2026-12-05 11:00", "2026-12-07 09:00"),  # Saturday
        ("2026-03-29 01:00", "2026-03-30 09:00"),  # the night the clocks change
    ],
)
def test_next_answer(now: str, answer: str | None) -> None:
    found = HOURS.next_answer(at(now), PARIS)
    assert (found.strftime("%Y-%m-%d %H:%M") if found else None) == answer
    if found is not None:
        assert found.utcoffset() == found.tzinfo.utcoffset(found)  # type: ignore[union-attr]


def test_no_hours_promise_nothing() -> None:
    assert parse_office_hours("").next_answer(at("2026-12-05 11:00"), PARIS) is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("monday 09:00-17:00", "days are"),
        ("mon-fri 9-17", "time range"),
        ("mon-fri 17:00-09:00", "ends before"),
        ("fri-mon 09:00-17:00", "backwards"),
        ("mon-fri", "days then times"),
    ],
)
def test_bad_hours_are_refused_with_a_reason(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_office_hours(text)
    with pytest.raises(ValidationError, match=error):
        Settings(_env_file=None, office_hours=text)  # type: ignore[call-arg]
