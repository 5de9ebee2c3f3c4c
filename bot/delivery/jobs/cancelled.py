"""cancelled: tell someone who said yes that the workshop will not take place."""

from __future__ import annotations

from bot.db.repos.jobs import Job
from bot.delivery.jobs import Decision, Loaded, job
from bot.delivery.jobs.workshop_text import workshop_params


@job("cancelled")
def cancelled(item: Job, loaded: Loaded) -> Decision:
    assert item.contact_id is not None
    ws = loaded.workshops.get(item.workshop_id or 0)
    if ws is None:
        return Decision("skipped", "workshop deleted")
    if ws.starts_at <= loaded.now:
        return Decision("skipped", "too late")
    lang = loaded.lang(item.contact_id)
    params = workshop_params(ws, lang, loaded.tz)
    return Decision("done", text=loaded.catalog.text("journeys.workshop_cancelled", lang, **params))
