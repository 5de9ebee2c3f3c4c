"""nudges_changed: the weekly nudge stopped with one word, or switched on again."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import journeys
from flows.events import NudgesChanged


@handles(NudgesChanged)
def nudges_changed(scene: Scene, event: NudgesChanged) -> None:
    journeys.set_nudges(scene.conn, scene.contact.id, event.on, scene.now, scene.programme.tz)
