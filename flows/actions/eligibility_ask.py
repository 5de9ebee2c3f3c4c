"""eligibility_ask: "can I join?", one question at a time. The answer just given (@answer to
var question) joins the others in var _answers (the flow's own: forgotten when another flow
starts); then the next question that applies as vars prompt and options (an optional one
can be skipped), or var question empty when all are answered."""

from content.eligibility import SKIPPED, AnswerError, EligibilityText, applicable, next_question
from flows.actions import action
from flows.model import EligibilityAsk
from flows.run import Run

ANSWERS = "_answers"


def answers_of(run: Run) -> dict[str, str]:
    """The answers given so far in this conversation: "question=choice" pairs."""
    pairs = (p.partition("=") for p in run.vars.get(ANSWERS, "").split(",") if p)
    return {q: c for q, _, c in pairs}


@action("eligibility_ask")
def eligibility_ask(act: EligibilityAsk, run: Run) -> None:
    found = run.journeys.eligibility
    answers = answers_of(run) if act.record else {}
    asked = run.vars.get("question", "") if act.record else ""
    question = next((q for q in found.questions if q.id == asked), None)
    answer = run.vars.get("answer", "")
    if question is not None and (
        question.choice(answer) is not None or (question.optional and answer == SKIPPED)
    ):
        answers[question.id] = answer
    try:
        answers = applicable(found, answers)
    except AnswerError:  # answers kept from an older version of the questions
        answers = {}
    run.vars[ANSWERS] = ",".join(f"{q}={c}" for q, c in answers.items())
    upcoming = next_question(found, answers)
    run.vars["question"] = upcoming.id if upcoming else ""
    if upcoming is None:
        return
    run.vars["prompt"] = run.text(upcoming.prompt)
    options = [f"{c.id}\t{run.text(c.label)}\t{c.means or ''}" for c in upcoming.choices]
    if upcoming.optional:
        options.append(f"{SKIPPED}\t{run.text(EligibilityText.SKIP)}")
    run.vars["options"] = "\n".join(options)
