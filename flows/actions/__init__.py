"""Action types: one module each, registered under the YAML `type` they implement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flows.run import Run

Handler = Callable[[Any, Run], None]
HANDLERS: dict[str, Handler] = {}


def action(type_name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[type_name] = fn
        return fn

    return register


def execute(act: Any, run: Run) -> None:
    HANDLERS[act.type](act, run)


from flows.actions import (  # noqa: E402  (modules register themselves on import)
    answer_quiz,
    answer_workshop,
    check_invite,
    data_request,
    eligibility_ask,
    eligibility_decide,
    join_coop,
    list_modules,
    list_steps,
    list_workshops,
    mark_step,
    module_step,
    open_module,
    pick_workshop,
    read_coop,
    read_sale,
    record_sale,
    request_handover,
    request_status,
    say_sales,
    send_msg,
    set_broadcasts,
    set_consent,
    set_field,
    set_language,
    set_nudges,
    set_sale_reminders,
    show_step,
)

__all__ = [
    "HANDLERS",
    "action",
    "answer_quiz",
    "answer_workshop",
    "check_invite",
    "data_request",
    "eligibility_ask",
    "eligibility_decide",
    "execute",
    "join_coop",
    "list_modules",
    "list_steps",
    "list_workshops",
    "mark_step",
    "module_step",
    "open_module",
    "pick_workshop",
    "read_coop",
    "read_sale",
    "record_sale",
    "request_handover",
    "request_status",
    "say_sales",
    "send_msg",
    "set_broadcasts",
    "set_consent",
    "set_field",
    "set_language",
    "set_nudges",
    "set_sale_reminders",
    "show_step",
]
