"""sale_undone: "undo last", confirmed: the sale gets a reversal row (nothing is changed or
deleted), and the member is told, with their new total for that day."""

from bot.core.handlers import handles
from bot.core.sales_replies import member_of, refused, written
from bot.core.scene import Scene
from bot.ledger.recording import reverse
from bot.ledger.rules import Actor, LedgerError
from flows.events import SaleUndone


@handles(SaleUndone)
def sale_undone(scene: Scene, event: SaleUndone) -> None:
    found = member_of(scene)
    if found is None:
        refused(scene)
        return
    member = found[1]
    try:
        recorded = reverse(
            scene.conn,
            event.sale_id,
            Actor.member(member.id),
            now=scene.now,
            tz=scene.programme.tz,
            source_message_id=scene.source,
        )
    except LedgerError as error:
        refused(scene, error)
        return
    written(scene, "sales.undone", recorded.rows[0], member.id)
