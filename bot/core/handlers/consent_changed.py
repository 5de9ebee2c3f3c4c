"""consent_changed: consent given or withdrawn; withdrawing erases the kept answers (the
fields, the eligibility outcome, checklist progress and its weekly nudge) and drops the
broadcasts still waiting for the contact."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import broadcasts
from bot.db.repos.journeys import erase_answers
from flows.events import ConsentChanged


@handles(ConsentChanged)
def consent_changed(scene: Scene, event: ConsentChanged) -> None:
    contact = scene.contact
    contact.consent, contact.consent_at = event.given, scene.now
    if not event.given:
        contact.fields = {}
        erase_answers(scene.conn, contact.id, scene.now)
        broadcasts.leave_broadcasts(scene.conn, contact.id, "no consent", scene.now)
