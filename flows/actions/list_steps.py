"""list_steps: the contact's administrative steps, composed from the answers kept from "can I
join?" and its outcome (content/checklists), as choices (✅ done, ⬜ not yet) under how many
are done (var prompt, options). Without kept answers, the steps for everyone, and why; with
the weekly nudge on, how to stop it (var word); var reminders: on, stopped or none."""

from content.checklists import DONE_MARK, PENDING_MARK, StepsText, compose, steps_progress
from content.stop_words import stop_word
from flows.actions import action
from flows.events import NudgesChanged, StepMarked
from flows.model import ListSteps
from flows.run import Run


def marked(run: Run) -> dict[str, str]:
    """Step id -> status: the host's, and those marked in this very message (kept only with
    consent, as the host keeps them)."""
    statuses = dict(run.lookup.steps())
    if run.consent:
        statuses |= {e.step_id: e.status for e in run.events if isinstance(e, StepMarked)}
    return statuses


@action("list_steps")
def list_steps(act: ListSteps, run: Run) -> None:
    kept = run.lookup.eligibility() if run.consent else None
    steps = compose(
        run.journeys.checklists, kept.answers if kept else {}, kept.outcome if kept else None
    )
    statuses = marked(run)
    done = {s for s, status in statuses.items() if status == "done"}
    run.vars["options"] = "\n".join(
        f"{s.id}\t{DONE_MARK if s.id in done else PENDING_MARK} {run.text(s.title)}" for s in steps
    )
    counted = steps_progress(steps, done)
    lines = [run.text(StepsText.INTRO)]
    if kept is None:
        lines.append(run.text(StepsText.EMPTY))
    if not run.consent:
        lines.append(run.text(StepsText.NOT_KEPT))
    lines.append(run.text(StepsText.PROGRESS, done=counted.done, total=counted.total))
    if counted.finished:
        lines.append(run.text(StepsText.ALL_DONE))
    # The host nudges those who kept an outcome or a step (bot/core/handlers), until "stop".
    nudged = run.consent and (kept is not None or bool(statuses))
    switched = [e.on for e in run.events if isinstance(e, NudgesChanged)]  # in this message
    stopped = not switched[-1] if switched else run.lookup.value("nudges") == "off"
    run.vars["word"] = stop_word(run.render_lang)
    run.vars["reminders"] = "stopped" if nudged and stopped else "on" if nudged else "none"
    if nudged and not stopped and not counted.finished:
        lines.append(run.text(StepsText.NUDGE_INFO, word=run.vars["word"]))
    run.vars["prompt"] = "\n".join(lines)
