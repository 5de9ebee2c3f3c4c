"""nudge: once a week, the next administrative step still to do; then again a week later.
Only for people who kept their answers (consent), have a step pending and did not say stop."""

from __future__ import annotations

from bot.db.repos.jobs import Job
from bot.delivery.jobs import Decision, Loaded, job
from bot.delivery.timing import next_nudge
from content.stop_words import stop_word


@job("nudge")
def nudge(item: Job, loaded: Loaded) -> Decision:
    cid = item.contact_id
    assert cid is not None
    if not loaded.reach[cid].consent:
        return Decision("skipped", "no consent")
    if not loaded.nudges_on.get(cid, True):
        return Decision("skipped", "stopped by the contact")
    if loaded.checklist is None:
        return Decision("skipped", "no checklist")
    kept = loaded.eligibility.get(cid)
    steps = loaded.checklist(kept.answers if kept else {}, kept.outcome if kept else None)
    done = {s for s, status in loaded.steps.get(cid, {}).items() if status == "done"}
    pending = next(((sid, title) for sid, title in steps if sid not in done), None)
    if pending is None:
        return Decision("done", "all steps done")
    lang = loaded.lang(cid)
    catalog = loaded.catalog
    text = (
        catalog.text("steps.nudge", lang, step=catalog.text(pending[1], lang))
        + "\n"
        + catalog.text("steps.nudge_stop", lang, word=stop_word(lang))
    )
    return Decision("pending", text=text, due_at=next_nudge(loaded.now, loaded.tz))
