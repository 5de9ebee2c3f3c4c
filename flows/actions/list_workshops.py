"""list_workshops: every upcoming workshop, numbered, the next first; the person answers with
a number. Sets var workshop_count, and workshop_ids / options for the pick that follows."""

from flows.actions import action
from flows.model import ListWorkshops
from flows.run import Run
from flows.workshop_text import short, workshop_params

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


@action("list_workshops")
def list_workshops(act: ListWorkshops, run: Run) -> None:
    found = run.lookup.workshops()
    run.vars["workshop_count"] = str(len(found))
    run.vars["workshop_ids"] = ",".join(str(w.id) for w in found)
    lang = run.render_lang
    entries: list[str] = []
    options: list[str] = []
    for n, ws in enumerate(found, start=1):
        params = workshop_params(ws.titles, ws.starts_at, ws.place, ws.langs, lang)
        mark = KEYCAPS[n - 1] if n <= len(KEYCAPS) else f"{n}."
        entry = run.text("journeys.workshop_entry", n=mark, **short(params))
        entries.append(entry + (" ✅" if ws.answer == "yes" else ""))
        options.append(f"{ws.id}\t{params['day']} — {params['title']}")
    run.vars["options"] = "\n".join(options)
    if entries:
        run.say("\n\n".join([run.text("journeys.workshops_list"), *entries]))
