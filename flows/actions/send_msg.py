"""send_msg: a localized text, with an optional image or audio for the user's language; its
{placeholders} take the run's variables and the values the action names (`params`)."""

from flows.actions import action
from flows.model import SendMsg
from flows.run import Run


@action("send_msg")
def send_msg(act: SendMsg, run: Run) -> None:
    image = run.catalog.raw(act.image, run.render_lang) if act.image else None
    audio = run.catalog.raw(act.audio, run.render_lang) if act.audio else None
    params = {**run.vars, **{name: run.resolve(value) for name, value in act.params.items()}}
    run.say(run.text(act.text, **params), image=image or None, audio=audio or None)
