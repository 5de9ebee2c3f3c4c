"""Texts for "my data": what is stored, the export, and the erasure notice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos.privacy import StoredData
from content.catalog import LANG_NAMES, Catalog
from content.dates import clock, day_words

CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "console"}


def summary_text(catalog: Catalog, lang: str, data: StoredData, consent: bool | None) -> str:
    yes_no = catalog.text("common.yes" if consent else "common.no", lang)
    return catalog.text(
        "mydata.summary",
        lang,
        channel=", ".join(CHANNEL_NAMES.get(c, c) for c in data.channels) or "-",
        language=LANG_NAMES.get(lang, "-"),
        consent=yes_no,
        messages=data.messages,
        answers=len(data.answers),
        sales=data.sales,
    )


def export_text(
    catalog: Catalog,
    lang: str,
    data: StoredData,
    consent: bool | None,
    history: list[tuple[datetime, str, str]],
    now: datetime,
    tz: ZoneInfo,
) -> str:
    """Dates and times in the programme's time zone, as the person reads them: the
    messages under a line per day ("mercredi 2 décembre"), each with its time."""
    lines = [
        catalog.text("mydata.export_header", lang, date=day_words(now.astimezone(tz), lang)),
        summary_text(catalog, lang, data, consent),
        "",
        catalog.text("mydata.export_answers", lang),
    ]
    lines += [f"• {k}: {v}" for k, v in sorted(data.answers.items())] or [
        catalog.text("mydata.export_none", lang)
    ]
    lines += ["", catalog.text("mydata.export_messages", lang)]
    day = None
    for at, direction, text in history:
        local = at.astimezone(tz)
        if local.date() != day:
            day = local.date()
            lines.append(day_words(local, lang))
        lines.append(f"{clock(local, lang)} {'👤' if direction == 'in' else '🤖'} {text}")
    if not history:
        lines.append(catalog.text("mydata.export_none", lang))
    return "\n".join(lines)
