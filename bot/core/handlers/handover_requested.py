"""handover_requested: a request to talk to a person, with what led there, for a
facilitator to answer."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos.conversations import TicketRow
from flows.events import HandoverRequested


@handles(HandoverRequested)
def handover_requested(scene: Scene, event: HandoverRequested) -> None:
    context = dict(event.context) or None
    scene.batch.tickets.append(TicketRow(scene.contact.id, event.reason, scene.now, context))
