"""set_language: switch the contact's language; unknown codes are ignored."""

from flows.actions import action
from flows.model import SetLanguage
from flows.run import Run


@action("set_language")
def set_language(act: SetLanguage, run: Run) -> None:
    run.switch_language(run.resolve(act.value))
