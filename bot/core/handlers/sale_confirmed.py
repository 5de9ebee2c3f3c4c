"""sale_confirmed: the member's confirmed sale joins their coop's ledger (once per channel
message), and they are told what was written and their new total for the day."""

from datetime import timedelta

from bot.core.handlers import handles
from bot.core.sales_replies import write_as_member
from bot.core.scene import Scene
from bot.db.repos.coops import CoopRow, MemberRow
from bot.ledger.calendar import business_date
from bot.ledger.recording import SaleEntry, record_sale
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import Actor
from flows.events import SaleConfirmed
from flows.sale_draft import YESTERDAY


@handles(SaleConfirmed)
def sale_confirmed(scene: Scene, event: SaleConfirmed) -> None:
    def record(coop: CoopRow, member: MemberRow) -> LedgerRow:
        today = business_date(scene.now, scene.programme.tz)
        entry = SaleEntry(
            coop_id=coop.id,
            member_id=member.id,
            product=event.product,
            quantity=event.quantity,
            amount_cents=event.amount_cents,
            payment=event.payment,
            product_id=event.product_id,
            day=today - timedelta(days=1) if event.day == YESTERDAY else today,
            source_message_id=scene.source,
        )
        recorded = record_sale(
            scene.conn, entry, Actor.member(member.id), now=scene.now, tz=scene.programme.tz
        )
        return recorded.rows[0]

    write_as_member(scene, "sales.recorded", record)
