"""set_field: store a value on the contact (kept only with consent; the host enforces it)."""

from flows.actions import action
from flows.events import ContactFieldChanged
from flows.model import SetField
from flows.run import Run


@action("set_field")
def set_field(act: SetField, run: Run) -> None:
    value = run.resolve(act.value)
    run.fields[act.field] = value
    run.events.append(ContactFieldChanged(act.field, value))
