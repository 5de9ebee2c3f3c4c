"""request_handover: ask a facilitator to take over the conversation, with what led there
(`context`, values resolved: {step: "@var.step"})."""

from flows.actions import action
from flows.events import HandoverRequested
from flows.model import RequestHandover
from flows.run import Run


@action("request_handover")
def request_handover(act: RequestHandover, run: Run) -> None:
    context = tuple((name, run.resolve(value)) for name, value in sorted(act.context.items()))
    run.events.append(HandoverRequested(act.reason, context))
