"""The programme's settings the conversation needs: its time zone and office hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.core.office_hours import OfficeHours, parse_office_hours
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Programme:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    hours: OfficeHours = field(default_factory=lambda: parse_office_hours("mon-fri 09:00-17:00"))

    @classmethod
    def from_settings(cls, settings: Settings) -> Programme:
        return cls(settings.tz, settings.hours)
