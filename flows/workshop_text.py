"""A workshop as the reader sees it: day and time in words in their language, title, place,
languages spoken there. Shared by the workshop actions and the host's reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from content.catalog import LANG_NAMES
from content.dates import clock, day_words


def title_in(titles: Mapping[str, str], lang: str, fallback: str = "fr") -> str:
    return titles.get(lang) or titles.get(fallback) or next(iter(titles.values()), "")


def workshop_params(
    titles: Mapping[str, str], starts_at: datetime, place: str, langs: tuple[str, ...], lang: str
) -> dict[str, str]:
    """{title}, {day}, {time}, {place}, {langs}: `starts_at` in the programme's time zone."""
    return {
        "title": title_in(titles, lang),
        "day": day_words(starts_at, lang),
        "time": clock(starts_at, lang),
        "place": place,
        "langs": ", ".join(LANG_NAMES.get(code, code) for code in langs),
    }


def short(params: Mapping[str, str]) -> dict[str, str]:
    """The same as {w} what, {d} day, {t} time, {p} place, {l} languages: the list and
    detail texts hold several, and short names leave the sentence in the reader's script."""
    return {
        "w": params["title"],
        "d": params["day"],
        "t": params["time"],
        "p": params["place"],
        "l": params["langs"],
    }
