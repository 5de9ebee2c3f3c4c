"""coop_join_requested: the contact joins the coop of their invite code (a member row);
a member of another running coop is told that their next sales go to the new one."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.ledger.calendar import business_date
from bot.ledger.coops import join
from bot.ledger.facts import current_member
from bot.ledger.rules import LedgerError
from flows.events import CoopJoinRequested


@handles(CoopJoinRequested)
def coop_join_requested(scene: Scene, event: CoopJoinRequested) -> None:
    today = business_date(scene.now, scene.programme.tz)
    before = current_member(scene.conn, scene.contact.id, today)
    try:
        joined = join(
            scene.conn, event.code, scene.contact.id, now=scene.now, tz=scene.programme.tz
        )
    except LedgerError:
        scene.say("sales.refused.join")
        return
    scene.say("sales.joined", coop=joined.coop.name)
    if joined.new and before is not None and before[0].id != joined.coop.id:
        # A member of a running coop joins another: where the next sales go, said plainly.
        scene.say("sales.joined_switch", coop=joined.coop.name, before=before[0].name)
