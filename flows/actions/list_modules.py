"""list_modules: the learning modules as choices (✅ done, ⬜ not yet) under "3 of 7 done";
var resume names a module started and left unfinished (empty when none)."""

from content.checklists import DONE_MARK, PENDING_MARK
from content.modules import LearnText, learn_progress
from flows.actions import action
from flows.model import ListModules
from flows.run import Run


@action("list_modules")
def list_modules(act: ListModules, run: Run) -> None:
    modules = run.journeys.modules
    status = run.lookup.modules()
    done = {m for m, s in status.items() if s.done}
    run.vars["options"] = "\n".join(
        f"{m.id}\t{DONE_MARK if m.id in done else PENDING_MARK} {run.text(m.title)}"
        for m in modules
    )
    counted = learn_progress(modules, done)
    run.vars["prompt"] = "\n".join(
        [
            run.text(LearnText.LIST, total=counted.total),
            run.text(LearnText.PROGRESS, done=counted.done, total=counted.total),
        ]
    )
    left = next(
        (m for m in modules if m.id in status and not status[m.id].done and status[m.id].position),
        None,
    )
    run.vars["resume"] = left.id if left else ""
