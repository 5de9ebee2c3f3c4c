"""eligibility_decide: the outcome of "can I join?" from the rules, then why (the answers
that led to it), what is missing, what comes next and where to get help; a person confirms
(var prompt). Only the outcome and the answers the checklist needs are kept, and only with
consent (the event says which); the answers then leave the conversation."""

from content.eligibility import (
    AnswerError,
    EligibilityText,
    anonymous_answers,
    evaluate,
    explanation,
    stored_answers,
)
from flows.actions import action
from flows.actions.eligibility_ask import ANSWERS, answers_of
from flows.events import EligibilityDecided
from flows.model import EligibilityDecide
from flows.run import Run


@action("eligibility_decide")
def eligibility_decide(act: EligibilityDecide, run: Run) -> None:
    found = run.journeys.eligibility
    answers = answers_of(run)
    # The last answer and question too (the optional one is for anonymous figures only).
    for name in (ANSWERS, "answer", "question", "options"):
        run.vars.pop(name, None)
    try:
        outcome = evaluate(found, answers)
    except AnswerError:  # not every question answered: nothing to say yet
        run.vars["outcome"] = ""
        return
    run.vars["outcome"] = outcome.category.value
    kept = stored_answers(found, answers) if run.consent else {}
    run.events.append(
        EligibilityDecided(
            outcome.category.value,
            kept=tuple(kept.items()),
            anonymous=tuple(anonymous_answers(found, answers).items()),
        )
    )
    *told, last = explanation(found, outcome)
    for message in told:
        run.say(run.render(message))
    run.say(run.text(EligibilityText.SAVED if run.consent else EligibilityText.NOT_SAVED))
    run.vars["prompt"] = run.render(last)
