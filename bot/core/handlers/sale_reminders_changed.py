"""sale_reminders_changed: the evening reminder to log sales, off or on again for the
contact in each of their coops."""

from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import coops as repo
from flows.events import SaleRemindersChanged


@handles(SaleRemindersChanged)
def sale_reminders_changed(scene: Scene, event: SaleRemindersChanged) -> None:
    for member in repo.memberships(scene.conn, scene.contact.id):
        repo.set_reminders(scene.conn, member.id, event.on)
