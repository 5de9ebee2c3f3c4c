"""mark_step: the step shown (var step) done, not yet, or "I need help" (kept only with
consent: the host checks)."""

from flows.actions import action
from flows.events import StepMarked
from flows.model import MarkStep
from flows.run import Run


@action("mark_step")
def mark_step(act: MarkStep, run: Run) -> None:
    step = run.vars.get("step", "")
    if step:
        run.events.append(StepMarked(step, act.status))
