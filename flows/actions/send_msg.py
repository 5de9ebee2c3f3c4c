"""send_msg: a localized text, with an optional image or audio for the user's language."""

from flows.actions import action
from flows.model import SendMsg
from flows.run import Run


@action("send_msg")
def send_msg(act: SendMsg, run: Run) -> None:
    image = run.catalog.raw(act.image, run.render_lang) if act.image else None
    audio = run.catalog.raw(act.audio, run.render_lang) if act.audio else None
    run.say(run.text(act.text, **run.vars), image=image or None, audio=audio or None)
