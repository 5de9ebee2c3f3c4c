"""module_step: the open module's next message, one idea, as var prompt (module_state
"more"); after the last one, its quiz question as var prompt and its answers as var options
(module_state "quiz"). Where the person is, is saved at each message to resume later."""

from content.modules import module_by_id
from flows.actions import action
from flows.events import ModuleProgressed
from flows.model import ModuleStep
from flows.run import Run


@action("module_step")
def module_step(act: ModuleStep, run: Run) -> None:
    module = module_by_id(run.journeys.modules, run.vars.get("module", ""))
    if module is None:
        run.vars["module_state"] = "gone"
        return
    shown = run.vars.get("module_pos", "0")
    position = int(shown) if shown.isdigit() else 0
    messages = module.to_send()
    if position < len(messages):
        run.vars["prompt"] = run.render(messages[position])
        run.vars["module_pos"] = str(position + 1)
        run.vars["module_state"] = "more"
        run.events.append(ModuleProgressed(module.id, position + 1))
        return
    quiz = module.quiz
    run.vars["prompt"] = run.text(quiz.question)
    run.vars["options"] = "\n".join(
        f"{c.id}\t{run.text(c.label)}\t{c.means or ''}" for c in quiz.choices
    )
    run.vars["module_state"] = "quiz"
