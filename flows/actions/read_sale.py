"""read_sale: the sale being told, from the message, an answer to one of its questions, or
the last sale (to undo or correct): the draft's vars (sale_*), what to ask next (sale_next:
flows/sale_draft.py STEPS, or not_member, none, no_last, fix_what, payment, and
product_again… when an answer gave nothing or named a product the coop does not list;
cancelled or menu when a cancel or menu word answered a question of the draft), and what
the questions show ({sale}, {before}, {product}, {qty}, {amount}, {x}, {y}, {limit},
{start})."""

from dataclasses import replace

from content.amounts import euros_text
from content.dates import day_words
from flows import sale_draft
from flows.actions import action
from flows.lookup import CoopInfo
from flows.model import ReadSale
from flows.run import Run
from flows.sale_draft import CANCEL_WORDS, MENU_WORDS, PAYMENTS, Draft
from flows.sale_text import sale_line, sale_params
from flows.yes_no import fold

AGAIN = {"product": "product_again", "quantity": "quantity_again", "amount": "amount_again"}
# The draft's questions that take typed text: a cancel or menu word there is a command.
TYPED = ("product", "quantity", "amount")


@action("read_sale")
def read_sale(act: ReadSale, run: Run) -> None:
    coop = run.lookup.coop()
    run.vars["coop"] = coop.name if coop else ""
    if coop is None:
        run.vars["sale_next"] = "not_member"
        return
    if act.part in ("message", "new", "undo", "fix"):
        run.vars.pop("before", None)  # what a correction changes is shown from its start
    typed = fold(run.vars.get("answer", ""))
    if act.part in TYPED and typed in CANCEL_WORDS | MENU_WORDS:
        told = Draft.of(run.vars).mode == "sale"
        clear(run)
        dropped = "cancelled" if told else "unchanged"  # a correction changes nothing
        run.vars["sale_next"] = dropped if typed in CANCEL_WORDS else "menu"
        return
    draft, step = _read(act.part, Draft.of(run.vars), coop, run)
    if draft is None:
        clear(run)
        run.vars["sale_next"] = step or "none"
        return
    run.vars.update(draft.to_vars())
    run.vars["sale_next"] = step or sale_draft.next_step(draft, coop)
    run.vars.update(shown(draft, coop, run))


def _read(part: str, draft: Draft, coop: CoopInfo, run: Run) -> tuple[Draft | None, str | None]:
    """The draft after this message, and the step when it is not simply the next one."""
    answer = run.vars.get("answer", "")
    text = run.parse.text if run.parse else ""
    if part == "message":
        # A message that answered a question (a menu choice, "2") tells no sale.
        told = None if answer else _from_message(run, text, coop)
        return told, (_unknown(told, coop) if told is not None else None)
    if part == "new":
        return Draft(), None
    if part in ("undo", "fix"):
        last = run.lookup.last_sale()
        if last is None:
            return None, "no_last"
        mode = "undo" if part == "undo" else "correction"
        return sale_draft.from_sale(last, coop, mode), ("fix_what" if part == "fix" else None)
    if part == "field":
        return sale_draft.to_change(draft, answer), ("payment" if answer == "fix_pay" else None)
    if part == "payment":
        return (replace(draft, payment=answer) if answer in PAYMENTS else draft), None
    if part == "reading":
        return sale_draft.choose(draft, coop, answer), None
    if part == "product":
        whole = _from_message(run, text, coop) if _tells_a_sale(run) else None
        if whole is not None and draft.mode == "sale" and whole.product:
            return whole, None
        draft = sale_draft.product_answer(draft, answer, coop)
    elif part == "quantity":
        draft = sale_draft.quantity_answer(draft, answer, coop)
    elif part == "amount":
        draft = sale_draft.amount_answer(draft, answer, run.cents)
    step = sale_draft.next_step(draft, coop)
    return draft, (AGAIN[step] if step == part else None)


def _unknown(draft: Draft, coop: CoopInfo) -> str | None:
    """ "product_again" when the message named a product the coop does not list."""
    if draft.unknown and sale_draft.next_step(draft, coop) == "product":
        return "product_again"
    return None


def _from_message(run: Run, text: str, coop: CoopInfo) -> Draft | None:
    return sale_draft.from_message(run.parse, run.cents, text, coop)


def _tells_a_sale(run: Run) -> bool:
    """The answer is a whole sale ("5 assiettes à 8"), not only a product's name."""
    parse = run.parse
    return parse is not None and parse.entity("quantity") is not None and "amount" in run.cents


def shown(draft: Draft, coop: CoopInfo, run: Run) -> dict[str, str]:
    lang, catalog = run.render_lang, run.catalog
    out = {
        "product": draft.product,
        "qty": str(draft.quantity) if draft.quantity is not None else "",
        "amount": euros_text(draft.cents, lang) if draft.cents is not None else "",
        "limit": euros_text(coop.max_sale_cents, lang),
        "start": day_words(coop.starts_on, lang) if coop.starts_on else "",
    }
    found = sale_draft.readings(draft, coop)
    if found is not None:
        out["x"], out["y"] = euros_text(found[0], lang), euros_text(found[1], lang)
    if draft.product and draft.quantity is not None and draft.cents is not None:
        params = sale_params(
            catalog,
            lang,
            product=draft.product,
            quantity=draft.quantity,
            cents=draft.cents,
            payment=draft.payment,
            day=sale_draft.business_day(draft, coop),
            today=coop.today,
        )
        out["sale"] = sale_line(catalog, lang, params)
        if draft.mode != "sale" and "before" not in run.vars:
            out["before"] = out["sale"]
    return out


def clear(run: Run) -> None:
    """Forget the sale being told (and what its questions showed)."""
    for name in [k for k in run.vars if k.startswith("sale_")] + ["before"]:
        run.vars.pop(name, None)
