"""record_sale: the sale being told, confirmed, becomes the event the host writes — a new
sale, the undoing of the last one, or its correction — and is forgotten. A draft that is
not complete and plausible (flows/sale_draft.py) gives no event."""

from flows import sale_draft
from flows.actions import action
from flows.actions.read_sale import clear
from flows.events import SaleConfirmed, SaleCorrected, SaleUndone
from flows.model import RecordSale
from flows.run import Run
from flows.sale_draft import Draft


@action("record_sale")
def record_sale(act: RecordSale, run: Run) -> None:
    draft, coop = Draft.of(run.vars), run.lookup.coop()
    clear(run)
    if coop is None:
        return
    step = sale_draft.next_step(draft, coop)
    if draft.mode == "undo" and draft.corrects is not None:
        run.events.append(SaleUndone(draft.corrects))
        return
    if draft.product and draft.quantity is not None and draft.cents is not None:
        if draft.mode == "correction" and step == "confirm_fix" and draft.corrects is not None:
            run.events.append(
                SaleCorrected(
                    draft.corrects,
                    draft.product,
                    draft.quantity,
                    draft.cents,
                    draft.payment,
                    draft.product_id,
                )
            )
        elif draft.mode == "sale" and step == "confirm":
            run.events.append(
                SaleConfirmed(
                    draft.product,
                    draft.quantity,
                    draft.cents,
                    draft.payment,
                    draft.day,
                    draft.product_id,
                )
            )
