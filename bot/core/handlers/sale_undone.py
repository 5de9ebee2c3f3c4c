"""sale_undone: "undo last", confirmed: the sale gets a reversal row (nothing is changed or
deleted), and the member is told, with their new total for that day."""

from bot.core.handlers import handles
from bot.core.sales_replies import write_as_member
from bot.core.scene import Scene
from bot.db.repos.coops import CoopRow, MemberRow
from bot.ledger.recording import reverse
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import Actor
from flows.events import SaleUndone


@handles(SaleUndone)
def sale_undone(scene: Scene, event: SaleUndone) -> None:
    def undo(coop: CoopRow, member: MemberRow) -> LedgerRow:
        recorded = reverse(
            scene.conn,
            event.sale_id,
            Actor.member(member.id),
            now=scene.now,
            tz=scene.programme.tz,
            source_message_id=scene.source,
        )
        return recorded.rows[0]  # the reversal

    write_as_member(scene, "sales.undone", undo)
