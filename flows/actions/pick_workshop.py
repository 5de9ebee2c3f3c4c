"""pick_workshop: the workshop the person chose by its number in the list just shown; sets
var workshop (its id, empty when gone), w/d/t/p/l for the detail text (flows.workshop_text)
and answered (yes, no or none)."""

from flows.actions import action
from flows.model import PickWorkshop
from flows.run import Run
from flows.workshop_text import short, workshop_params
from nlu.numbers import ascii_digits


@action("pick_workshop")
def pick_workshop(act: PickWorkshop, run: Run) -> None:
    ids = [i for i in run.vars.get("workshop_ids", "").split(",") if i]
    number = ascii_digits(run.resolve(act.number)).strip()
    wanted = ids[int(number) - 1] if number.isdigit() and 0 < int(number) <= len(ids) else ""
    found = {str(w.id): w for w in run.lookup.workshops()}  # still upcoming, not cancelled
    ws = found.get(wanted)
    run.vars["workshop"] = str(ws.id) if ws else ""
    if ws is None:
        return
    params = workshop_params(ws.titles, ws.starts_at, ws.place, ws.langs, run.render_lang)
    run.vars.update(short(params))
    run.vars["answered"] = ws.answer or "none"
