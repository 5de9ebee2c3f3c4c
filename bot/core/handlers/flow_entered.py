"""flow_entered: nothing to write (the session records where the contact is); entering the
"did you mean …?" flow means the NLU only guessed: counted, and kept for review."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import FlowEntered


@handles(FlowEntered)
def flow_entered(scene: Scene, event: FlowEntered) -> None:
    if event.flow_id == scene.env.suggest_flow:
        scene.mark("low_confidence")
