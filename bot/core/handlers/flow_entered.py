"""flow_entered: nothing to write (the session records where the contact is)."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import FlowEntered


@handles(FlowEntered)
def flow_entered(scene: Scene, event: FlowEntered) -> None:
    return None
