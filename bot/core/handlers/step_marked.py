"""step_marked: an administrative step done, not yet, or "I need help" — kept only with
consent; the weekly nudge moves to a week after the person last looked at their steps."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import journeys
from flows.events import StepMarked


@handles(StepMarked)
def step_marked(scene: Scene, event: StepMarked) -> None:
    if not scene.contact.consent:
        return
    journeys.record_step(scene.conn, scene.contact.id, event.step_id, event.status, scene.now)
    if journeys.nudges_on(scene.conn, [scene.contact.id]).get(scene.contact.id, True):
        journeys.schedule_nudge(scene.conn, scene.contact.id, scene.now, scene.programme.tz)
