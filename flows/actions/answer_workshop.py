"""answer_workshop: "I'll come" / "I can't" to the picked workshop (var workshop)."""

from flows.actions import action
from flows.events import WorkshopAnswered
from flows.model import AnswerWorkshop
from flows.run import Run


@action("answer_workshop")
def answer_workshop(act: AnswerWorkshop, run: Run) -> None:
    picked = run.vars.get("workshop", "")
    if picked.isdigit():
        run.events.append(WorkshopAnswered(int(picked), act.coming))
