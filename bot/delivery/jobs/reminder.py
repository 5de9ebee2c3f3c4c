"""reminder: "your workshop is tomorrow / today", to someone who said they would come,
followed by the facilitator's own words in their language when there are some."""

from __future__ import annotations

from bot.db.repos.jobs import Job
from bot.delivery.jobs import Decision, Loaded, job
from bot.delivery.jobs.workshop_text import reminder_text
from bot.delivery.timing import MIN_NOTICE


@job("reminder")
def reminder(item: Job, loaded: Loaded) -> Decision:
    assert item.contact_id is not None
    ws = loaded.workshops.get(item.workshop_id or 0)
    if ws is None or ws.cancelled_at is not None:
        return Decision("skipped", "workshop cancelled")
    if loaded.rsvps.get((ws.id, item.contact_id)) != "yes":
        return Decision("skipped", "not coming")
    if item.id in loaded.superseded:
        return Decision("skipped", "superseded")
    if ws.starts_at - loaded.now < MIN_NOTICE:  # late (the scheduler was down): no use now
        return Decision("skipped", "too late")
    lang = loaded.lang(item.contact_id)
    text = reminder_text(loaded.catalog, ws, lang, loaded.now, loaded.tz)
    note = loaded.notes.get((ws.id, lang))
    return Decision("done", text=f"{text}\n\n{note}" if note else text)
