"""set_sale_reminders: the evening reminder to log sales, off or on again."""

from flows.actions import action
from flows.events import SaleRemindersChanged
from flows.model import SetSaleReminders
from flows.run import Run


@action("set_sale_reminders")
def set_sale_reminders(act: SetSaleReminders, run: Run) -> None:
    run.vars["reminders"] = "on" if act.on else "off"
    run.events.append(SaleRemindersChanged(act.on))
