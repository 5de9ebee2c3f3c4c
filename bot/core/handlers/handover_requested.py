"""handover_requested: a request to talk to a person, for a facilitator to answer."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos.conversations import TicketRow
from flows.events import HandoverRequested


@handles(HandoverRequested)
def handover_requested(scene: Scene, event: HandoverRequested) -> None:
    scene.batch.tickets.append(TicketRow(scene.contact.id, event.reason, scene.now))
    scene.mark("handovers")
