"""A workshop said in the reader's language: its title, day and time in words, place."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos.workshops import WorkshopRow
from content.catalog import Catalog
from content.dates import clock, day_words


def workshop_params(ws: WorkshopRow, lang: str, tz: ZoneInfo) -> dict[str, str]:
    local = ws.starts_at.astimezone(tz)
    return {
        "title": ws.title(lang),
        "day": day_words(local, lang),
        "time": clock(local, lang),
        "place": ws.place,
    }


def reminder_text(catalog: Catalog, ws: WorkshopRow, lang: str, now: datetime, tz: ZoneInfo) -> str:
    """ "Today at 14:30", "tomorrow, Saturday 28 March, at 14:30", or the day in words."""
    days = (ws.starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    key = {0: "journeys.reminder_today", 1: "journeys.reminder_tomorrow"}.get(
        days, "journeys.reminder_on"
    )
    return catalog.text(key, lang, **workshop_params(ws, lang, tz))
