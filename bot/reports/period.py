"""A period of business days (both ends included), its UTC bounds and time buckets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.ledger.calendar import plausible

MAX_DAYS = 3 * 366 + 1  # a longer period is refused: pages stay fast and readable
Grain = Literal["day", "week", "month"]
MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


class PeriodError(ValueError):
    """A period that cannot be read; the message says why, in French for the panel."""


def parse_day(value: str) -> date:
    """YYYY-MM-DD, strictly, in the years a person may name (raises ValueError)."""
    value = value.strip()
    if len(value) != 10:
        raise ValueError(value)
    day = date.fromisoformat(value)
    if not plausible(day):
        raise ValueError(value)
    return day


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # included

    @classmethod
    def of(cls, start: str, end: str) -> Period:
        try:
            first, last = parse_day(start), parse_day(end)
        except ValueError:
            raise PeriodError(
                "Les dates s'écrivent AAAA-MM-JJ (par exemple 2026-03-31), de 2000 à 2099."
            ) from None
        if last < first:
            raise PeriodError("La date de fin est avant la date de début.")
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError("La période est trop longue (trois ans au plus).")
        return cls(first, last)

    @classmethod
    def last_days(cls, today: date, days: int) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from midnight of the first day to midnight after the last."""
        first = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
        return first, after

    @property
    def grain(self) -> Grain:
        if self.days <= 62:
            return "day"
        return "week" if self.days <= 366 else "month"

    def buckets(self, grain: Grain | None = None) -> list[date]:
        """The first day of every bucket of the period (of its own grain unless given), in
        order."""
        grain = grain or self.grain
        out: list[date] = []
        day = self.start
        while day <= self.end:
            b = bucket(day, grain)
            if not out or out[-1] != b:
                out.append(b)
            day += timedelta(days=1)
        return out

    def label(self) -> str:
        return f"du {french_date(self.start)} au {french_date(self.end)}"


def bucket(day: date, grain: Grain) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def bucket_label(first: date, grain: Grain) -> str:
    if grain == "week":
        return f"sem. du {first.day:02d}/{first.month:02d}/{first.year}"
    if grain == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    return f"{first.day:02d}/{first.month:02d}/{first.year}"


def french_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
