"""check_invite: the coop an invite code opens (vars code, as typed without a leading
"JOIN"; coop; invite: open, member, over, unknown, or empty when no code was given; example:
a sale of the coop's first product, as the welcome shows it). A deep link's or keyword's
payload (var start_payload) is used once."""

from flows.actions import action
from flows.model import CheckInvite
from flows.run import Run
from flows.sale_text import example_text
from flows.yes_no import fold

MAX_CODE = 32
_LEADING = frozenset({"join", "start"})  # "JOIN K7M4Q2" typed again at the question


@action("check_invite")
def check_invite(act: CheckInvite, run: Run) -> None:
    words = run.resolve(act.code).split()
    if act.code == "@var.start_payload":
        run.vars.pop("start_payload", None)
    while words and fold(words[0]) in _LEADING:
        words.pop(0)
    code = " ".join(words)[:MAX_CODE]
    run.vars["code"] = code
    found = run.lookup.invite(code) if code else None
    run.vars["coop"] = found.coop if found else ""
    run.vars["invite"] = found.status if found else ("unknown" if code else "empty")
    product = found.example if found else None
    run.vars["example"] = example_text(
        run.catalog,
        run.render_lang,
        product.name if product else None,
        product.price_cents if product else 0,
    )
