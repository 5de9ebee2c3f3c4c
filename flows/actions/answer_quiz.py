"""answer_quiz: feedback on the quiz answer (@answer) and the progress as var prompt; the
module done; the next module not done yet as var next_module (empty when all are done)."""

from content.modules import LearnText, learn_progress, module_by_id, next_module
from flows.actions import action
from flows.events import ModuleCompleted
from flows.model import AnswerQuiz
from flows.run import Run


@action("answer_quiz")
def answer_quiz(act: AnswerQuiz, run: Run) -> None:
    modules = run.journeys.modules
    module = module_by_id(modules, run.vars.get("module", ""))
    if module is None:
        run.vars["next_module"] = ""
        return
    answer = run.vars.get("answer", "")
    quiz = module.quiz
    run.events.append(ModuleCompleted(module.id, answer, quiz.is_right(answer)))
    done = {m for m, s in run.lookup.modules().items() if s.done} | {module.id}
    counted = learn_progress(modules, done)
    following = next_module(modules, done, after=module.id)
    run.vars["next_module"] = following.id if following else ""
    lines = [
        run.text(quiz.feedback(answer)),
        run.text(LearnText.PROGRESS, done=counted.done, total=counted.total),
    ]
    if following is None:
        lines.append(run.text(LearnText.ALL_DONE))
    run.vars["prompt"] = "\n".join(lines)
