"""msg_created: a reply to send; it is logged and queued when the message's scene finishes."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import MsgCreated


@handles(MsgCreated)
def msg_created(scene: Scene, event: MsgCreated) -> None:
    scene.replies.append(event)
