"""broadcasts_changed: the contact stopped broadcasts (those waiting for them are dropped),
or asked for them again."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import broadcasts as repo
from flows.events import BroadcastsChanged


@handles(BroadcastsChanged)
def broadcasts_changed(scene: Scene, event: BroadcastsChanged) -> None:
    if event.stopped:
        repo.stop_broadcasts(scene.conn, scene.contact.id, scene.now)
    else:
        repo.start_broadcasts(scene.conn, scene.contact.id)
