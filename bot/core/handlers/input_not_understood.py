"""input_not_understood: nothing to write (the session counts misunderstandings)."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import InputNotUnderstood


@handles(InputNotUnderstood)
def input_not_understood(scene: Scene, event: InputNotUnderstood) -> None:
    return None
