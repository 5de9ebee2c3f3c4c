"""request_handover: ask a facilitator to take over the conversation."""

from flows.actions import action
from flows.events import HandoverRequested
from flows.model import RequestHandover
from flows.run import Run


@action("request_handover")
def request_handover(act: RequestHandover, run: Run) -> None:
    run.events.append(HandoverRequested(act.reason))
