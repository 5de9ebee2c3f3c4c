"""coop_join_requested: the contact joins the coop of their invite code (a member row)."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.ledger.coops import join
from bot.ledger.rules import LedgerError
from flows.events import CoopJoinRequested


@handles(CoopJoinRequested)
def coop_join_requested(scene: Scene, event: CoopJoinRequested) -> None:
    try:
        joined = join(
            scene.conn, event.code, scene.contact.id, now=scene.now, tz=scene.programme.tz
        )
    except LedgerError:
        scene.say("sales.refused.join")
        return
    scene.say("sales.joined", coop=joined.coop.name)
