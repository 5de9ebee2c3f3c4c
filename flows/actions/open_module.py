"""open_module: start a module, or resume it where the person left off (var module, and
module_pos: the messages already shown). Its title comes first, with the module's picture
and the facilitator's recording in the person's language when there are."""

from content.modules import LearnText, module_by_id
from flows.actions import action
from flows.model import OpenModule
from flows.run import Run
from nlu.numbers import ascii_digits


@action("open_module")
def open_module(act: OpenModule, run: Run) -> None:
    modules = run.journeys.modules
    wanted = ascii_digits(run.resolve(act.module)).strip()
    if wanted.isdigit() and 0 < int(wanted) <= len(modules):
        wanted = modules[int(wanted) - 1].id
    module = module_by_id(modules, wanted)
    run.vars["module"] = module.id if module else ""
    if module is None:
        return
    status = run.lookup.modules().get(module.id)
    position = status.position if status and not status.done else 0
    position = min(position, len(module.messages))
    run.vars["module_pos"] = str(position)
    title = run.text(module.title)
    lang = run.render_lang
    text = run.text(LearnText.RESUME, title=title) if position else title
    run.say(text, image=module.image_for(lang), audio=module.audio_for(lang))
