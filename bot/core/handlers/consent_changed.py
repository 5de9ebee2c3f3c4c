"""consent_changed: consent given or withdrawn; withdrawing erases the kept answers."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import ConsentChanged


@handles(ConsentChanged)
def consent_changed(scene: Scene, event: ConsentChanged) -> None:
    contact = scene.contact
    contact.consent, contact.consent_at = event.given, scene.now
    if not event.given:
        contact.fields = {}
