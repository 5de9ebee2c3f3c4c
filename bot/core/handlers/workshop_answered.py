"""workshop_answered: "I'll come" schedules the reminders still ahead; "I can't" stops them."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import workshops
from flows.events import WorkshopAnswered


@handles(WorkshopAnswered)
def workshop_answered(scene: Scene, event: WorkshopAnswered) -> None:
    workshops.answer(
        scene.conn,
        workshop_id=event.workshop_id,
        contact_id=scene.contact.id,
        coming=event.coming,
        now=scene.now,
        tz=scene.programme.tz,
    )
