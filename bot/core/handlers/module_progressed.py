"""module_progressed: how many of a module's messages the contact has seen (to resume)."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import journeys
from flows.events import ModuleProgressed


@handles(ModuleProgressed)
def module_progressed(scene: Scene, event: ModuleProgressed) -> None:
    journeys.record_module(
        scene.conn, scene.contact.id, event.module_id, position=event.position, now=scene.now
    )
