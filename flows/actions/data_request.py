"""data_request: the user asked to see, export or delete their data; the host does it."""

from flows.actions import action
from flows.events import DataRequested
from flows.model import DataRequest
from flows.run import Run


@action("data_request")
def data_request(act: DataRequest, run: Run) -> None:
    run.events.append(DataRequested(act.op))
