"""A workshop reminder in the reader's language: "today at 14:30", "tomorrow, Saturday 28
March, at 14:30", or the day in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos.workshops import WorkshopRow
from content.catalog import Catalog
from flows.workshop_text import workshop_params as params_of


def workshop_params(ws: WorkshopRow, lang: str, tz: ZoneInfo) -> dict[str, str]:
    return params_of(ws.titles, ws.starts_at.astimezone(tz), ws.place, ws.langs, lang)


def reminder_text(catalog: Catalog, ws: WorkshopRow, lang: str, now: datetime, tz: ZoneInfo) -> str:
    days = (ws.starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    key = {0: "journeys.reminder_today", 1: "journeys.reminder_tomorrow"}.get(
        days, "journeys.reminder_on"
    )
    return catalog.text(key, lang, **workshop_params(ws, lang, tz))
