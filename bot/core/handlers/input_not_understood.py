"""input_not_understood: counted in the day's figures, and kept for review when the contact
consented (the session itself counts misunderstandings in a row)."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import InputNotUnderstood


@handles(InputNotUnderstood)
def input_not_understood(scene: Scene, event: InputNotUnderstood) -> None:
    scene.mark("not_understood")
