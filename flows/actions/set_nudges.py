"""set_nudges: the weekly nudge about the next step off ("stop") or on again."""

from flows.actions import action
from flows.events import NudgesChanged
from flows.model import SetNudges
from flows.run import Run


@action("set_nudges")
def set_nudges(act: SetNudges, run: Run) -> None:
    run.events.append(NudgesChanged(act.on))
