"""Texts for "my data": what is stored, the export, and the erasure notice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.repos.privacy import StoredData, WorkshopAnswer
from content.catalog import BASE_LANG, LANG_NAMES, Catalog
from content.dates import clock, day_words
from content.journeys import Journeys

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
    journeys: Journeys,
) -> str:
    """Dates and times in the programme's time zone, as the person reads them: the
    messages under a line per day ("mercredi 2 décembre"), each with its time."""
    lines = [
        catalog.text("mydata.export_header", lang, date=day_words(now.astimezone(tz), lang)),
        summary_text(catalog, lang, data, consent),
        "",
        catalog.text("mydata.export_answers", lang),
    ]
    lines += answer_lines(catalog, journeys, lang, data.answers) or [
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


STEP_MARKS = {"done": "✅", "not_yet": "⬜", "help": "🆘"}


def answer_lines(
    catalog: Catalog, journeys: Journeys, lang: str, answers: dict[str, object]
) -> list[str]:
    """What the journeys keep, in the person's words: the question and the answer chosen,
    the step or module by its title with a mark; anything else as stored."""
    outcomes = {c.value: o for c, o in journeys.eligibility.outcomes.items()}
    questions = {q.id: q for q in journeys.eligibility.questions}
    steps = {s.id: s for s in journeys.checklists}
    modules = {m.id: m for m in journeys.modules}
    lines = []
    for key, value in sorted(answers.items()):
        kind, _, ident = key.partition(".")
        if key == "eligibility" and value in outcomes:
            lines.append(f"• {catalog.text(outcomes[str(value)].text, lang)}")
        elif kind == "eligibility" and ident in questions:
            q = questions[ident]
            said = next((c.label for c in q.choices if c.id == value), None)
            answer = catalog.text(said, lang) if said else str(value)
            lines.append(f"• {catalog.text(q.prompt, lang)} → {answer}")
        elif kind == "step" and ident in steps:
            mark = STEP_MARKS.get(str(value), str(value))
            lines.append(f"• {catalog.text(steps[ident].title, lang)} {mark}")
        elif kind == "workshop" and isinstance(value, WorkshopAnswer):
            title = value.titles.get(lang) or value.titles.get(BASE_LANG) or ident
            yes_no = catalog.text("common.yes" if value.answer == "yes" else "common.no", lang)
            lines.append(f"• 📅 {title} → {yes_no}")
        elif kind == "module" and ident in modules:
            mark = "✅" if value == "done" else "…"
            lines.append(f"• {catalog.text(modules[ident].title, lang)} {mark}")
        else:
            lines.append(f"• {key}: {value}")
    return lines
