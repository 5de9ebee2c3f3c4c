"""module_completed: a module read to the end, with the quiz answer and whether it was right."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import journeys
from flows.events import ModuleCompleted


@handles(ModuleCompleted)
def module_completed(scene: Scene, event: ModuleCompleted) -> None:
    journeys.record_module(
        scene.conn,
        scene.contact.id,
        event.module_id,
        now=scene.now,
        quiz_answer=event.quiz_answer[:64],
        quiz_right=event.quiz_right,
        done=True,
    )
