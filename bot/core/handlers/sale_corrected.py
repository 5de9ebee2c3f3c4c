"""sale_corrected: a correction, confirmed: the old sale gets a reversal and a replacement
row with the new values (nothing is changed or deleted), and the member is told."""

from bot.core.handlers import handles
from bot.core.sales_replies import write_as_member
from bot.core.scene import Scene
from bot.db.repos.coops import CoopRow, MemberRow
from bot.ledger.recording import Correction, correct
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import Actor
from flows.events import SaleCorrected


@handles(SaleCorrected)
def sale_corrected(scene: Scene, event: SaleCorrected) -> None:
    change = Correction(
        quantity=event.quantity,
        amount_cents=event.amount_cents,
        payment=event.payment,
        product=event.product,
        product_id=event.product_id,
    )

    def replace(coop: CoopRow, member: MemberRow) -> LedgerRow:
        recorded = correct(
            scene.conn,
            event.sale_id,
            change,
            Actor.member(member.id),
            now=scene.now,
            tz=scene.programme.tz,
            source_message_id=scene.source,
        )
        return recorded.rows[-1]  # the replacement

    write_as_member(scene, "sales.corrected", replace)
