"""When a person from Migracoop answers: the OFFICE_HOURS setting, parsed, and the next time
someone is there, so that the bot can say it honestly while a request is open."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_RANGE = re.compile(rf"^{_TIME}-{_TIME}$")


@dataclass(frozen=True, slots=True)
class Opening:
    weekday: int  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Weekly opening ranges in local time ("mon-fri 09:00-17:00; sat 10:00-12:00")."""

    openings: tuple[Opening, ...]

    def is_open(self, local: datetime) -> bool:
        t = local.time()
        return any(o.weekday == local.weekday() and o.start <= t < o.end for o in self.openings)

    def next_answer(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """None when someone is there now; else the next opening (aware, in `tz`). None
        also when no hours are configured (the bot then promises no time)."""
        local = now.astimezone(tz)
        if not self.openings or self.is_open(local):
            return None
        for days in range(8):
            day = local.date() + timedelta(days=days)
            starts = sorted(o.start for o in self.openings if o.weekday == day.weekday())
            for start in starts:
                candidate = datetime.combine(day, start, tz)
                if candidate > local:
                    return candidate
        return None


def parse_office_hours(text: str) -> OfficeHours:
    """`DAYS TIMES[; DAYS TIMES…]`, DAYS like `mon-fri` or `mon,wed`, TIMES like
    `09:00-12:30,14:00-17:00`; an empty text means no hours. ValueError says what is wrong."""
    openings: list[Opening] = []
    for group in filter(None, (g.strip() for g in text.lower().split(";"))):
        parts = group.split()
        if len(parts) != 2:
            raise ValueError(f"{group!r}: expected days then times, like 'mon-fri 09:00-17:00'")
        days, times = parts
        for weekday in _days(days):
            for span in times.split(","):
                found = _RANGE.match(span)
                if not found:
                    raise ValueError(f"{span!r}: expected a time range like 09:00-17:00")
                start = time(int(found.group(1)), int(found.group(2)))
                end = time(int(found.group(3)), int(found.group(4)))
                if end <= start:
                    raise ValueError(f"{span!r}: the range ends before it starts")
                openings.append(Opening(weekday, start, end))
    return OfficeHours(tuple(openings))


def _days(spec: str) -> list[int]:
    out: list[int] = []
    for item in spec.split(","):
        first, _, last = item.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{item!r}: days are {', '.join(DAYS)} (e.g. mon-fri)")
        a, b = DAYS.index(first), DAYS.index(last or first)
        if b < a:
            raise ValueError(f"{item!r}: the days run backwards")
        out += range(a, b + 1)
    return out
