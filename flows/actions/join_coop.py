"""join_coop: join the coop of the invite code checked just before (var code)."""

from flows.actions import action
from flows.events import CoopJoinRequested
from flows.model import JoinCoop
from flows.run import Run


@action("join_coop")
def join_coop(act: JoinCoop, run: Run) -> None:
    if run.vars.get("invite") == "open" and run.vars.get("code"):
        run.events.append(CoopJoinRequested(run.vars["code"]))
