"""sale_corrected: a correction, confirmed: the old sale gets a reversal and a replacement
row with the new values (nothing is changed or deleted), and the member is told."""

from bot.core.handlers import handles
from bot.core.sales_replies import member_of, refused, written
from bot.core.scene import Scene
from bot.ledger.recording import Correction, correct
from bot.ledger.rules import Actor, LedgerError
from flows.events import SaleCorrected


@handles(SaleCorrected)
def sale_corrected(scene: Scene, event: SaleCorrected) -> None:
    found = member_of(scene)
    if found is None:
        refused(scene)
        return
    member = found[1]
    change = Correction(
        quantity=event.quantity,
        amount_cents=event.amount_cents,
        payment=event.payment,
        product=event.product,
        product_id=event.product_id,
    )
    try:
        recorded = correct(
            scene.conn,
            event.sale_id,
            change,
            Actor.member(member.id),
            now=scene.now,
            tz=scene.programme.tz,
            source_message_id=scene.source,
        )
    except LedgerError as error:
        refused(scene, error)
        return
    written(scene, "sales.corrected", recorded.rows[-1], member.id)
