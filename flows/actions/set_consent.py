"""set_consent: record whether answers may be stored beyond the conversation."""

from flows.actions import action
from flows.events import ConsentChanged
from flows.model import SetConsent
from flows.run import Run


@action("set_consent")
def set_consent(act: SetConsent, run: Run) -> None:
    run.consent = act.value
    run.events.append(ConsentChanged(act.value))
