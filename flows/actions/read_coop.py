"""read_coop: the contact's coop for the sales flows (vars coop, reminders, reminder_at)."""

from flows.actions import action
from flows.model import ReadCoop
from flows.run import Run


@action("read_coop")
def read_coop(act: ReadCoop, run: Run) -> None:
    coop = run.lookup.coop()
    run.vars["coop"] = coop.name if coop else ""
    run.vars["reminders"] = "on" if coop and coop.reminders else "off"
    run.vars["reminder_at"] = coop.reminder_at if coop else ""
