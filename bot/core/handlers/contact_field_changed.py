"""contact_field_changed: an answer kept on the contact, only with consent."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import ContactFieldChanged


@handles(ContactFieldChanged)
def contact_field_changed(scene: Scene, event: ContactFieldChanged) -> None:
    if scene.contact.consent:
        scene.contact.fields[event.field] = event.value
