"""set_language: switch the contact's language; unknown codes are ignored."""

from content.catalog import LANGS
from flows.actions import action
from flows.events import ContactLanguageChanged
from flows.model import SetLanguage
from flows.run import Run


@action("set_language")
def set_language(act: SetLanguage, run: Run) -> None:
    lang = run.resolve(act.value)
    if lang in LANGS and lang != run.lang:
        run.lang = lang
        run.events.append(ContactLanguageChanged(lang))
