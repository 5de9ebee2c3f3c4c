"""contact_language_changed: the contact's language, saved with the contact."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from flows.events import ContactLanguageChanged


@handles(ContactLanguageChanged)
def contact_language_changed(scene: Scene, event: ContactLanguageChanged) -> None:
    scene.contact.lang = event.lang
