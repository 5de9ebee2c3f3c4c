"""show_step: one administrative step, by its id or its number in the list: what it is, the
documents, where to go (var prompt, var step; step is empty when there is no such step)."""

from content.checklists import DONE_MARK, StepsText, compose
from flows.actions import action
from flows.actions.list_steps import marked
from flows.model import ShowStep
from flows.run import Run
from nlu.numbers import ascii_digits


@action("show_step")
def show_step(act: ShowStep, run: Run) -> None:
    every = run.journeys.checklists
    kept = run.lookup.eligibility() if run.consent else None
    mine = compose(every, kept.answers if kept else {}, kept.outcome if kept else None)
    wanted = ascii_digits(run.resolve(act.step)).strip()
    if wanted.isdigit() and 0 < int(wanted) <= len(mine):
        wanted = mine[int(wanted) - 1].id
    step = next((s for s in every if s.id == wanted), None)
    run.vars["step"] = step.id if step else ""
    if step is None:
        return
    title = run.text(step.title)
    if marked(run).get(step.id) == "done":
        title = f"{title} {DONE_MARK}"
    card = [run.text(StepsText.CARD, title=title), *(run.render(m) for m in step.to_send())]
    run.vars["prompt"] = "\n".join(card)
