"""set_broadcasts: the contact stops broadcasts, or asks for them again."""

from flows.actions import action
from flows.events import BroadcastsChanged
from flows.model import SetBroadcasts
from flows.run import Run


@action("set_broadcasts")
def set_broadcasts(act: SetBroadcasts, run: Run) -> None:
    run.events.append(BroadcastsChanged(stopped=act.value == "stop"))
