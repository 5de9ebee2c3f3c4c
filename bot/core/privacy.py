"""Texts for "my data": what is stored, the export, and the erasure notice."""

from __future__ import annotations

from datetime import datetime

from bot.db.repos.privacy import StoredData
from content.catalog import LANG_NAMES, Catalog

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
) -> str:
    lines = [
        catalog.text("mydata.export_header", lang, date=now.date().isoformat()),
        summary_text(catalog, lang, data, consent),
        "",
        catalog.text("mydata.export_answers", lang),
    ]
    lines += [f"• {k}: {v}" for k, v in sorted(data.answers.items())] or [
        catalog.text("mydata.export_none", lang)
    ]
    lines += ["", catalog.text("mydata.export_messages", lang)]
    lines += [
        f"{at:%Y-%m-%d %H:%M} {'👤' if d == 'in' else '🤖'} {text}" for at, d, text in history
    ] or [catalog.text("mydata.export_none", lang)]
    return "\n".join(lines)
