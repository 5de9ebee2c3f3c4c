"""request_status: when someone from Migracoop will answer (var eta, a sentence in the
person's language from the office hours), and how many requests are open (var
open_requests)."""

from content.dates import clock, day_words
from flows.actions import action
from flows.model import RequestStatus
from flows.run import Run


@action("request_status")
def request_status(act: RequestStatus, run: Run) -> None:
    status = run.lookup.request()
    run.vars["open_requests"] = str(status.open)
    at = status.answer_from
    if at is None:
        run.vars["eta"] = run.text("journeys.eta_now")
        return
    lang = run.render_lang
    key = {0: "journeys.eta_today", 1: "journeys.eta_tomorrow"}.get(
        status.days_ahead, "journeys.eta_day"
    )
    run.vars["eta"] = run.text(key, day=day_words(at, lang), time=clock(at, lang))
