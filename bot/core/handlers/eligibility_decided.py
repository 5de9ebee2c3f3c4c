"""eligibility_decided: the outcome and the checklist's answers are kept only with consent
(and the weekly nudge about the steps starts); the anonymous answers only feed the
programme's figures, with the day's date and nothing that links them to the person."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import journeys
from flows.events import EligibilityDecided


@handles(EligibilityDecided)
def eligibility_decided(scene: Scene, event: EligibilityDecided) -> None:
    tz = scene.programme.tz
    journeys.count_anonymously(
        scene.conn, event.outcome, dict(event.anonymous), scene.now.astimezone(tz).date()
    )
    if scene.contact.consent:
        contact_id = scene.contact.id
        journeys.record_eligibility(
            scene.conn, contact_id, event.outcome, dict(event.kept), scene.now
        )
        journeys.schedule_nudge(scene.conn, contact_id, scene.now, tz)
