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
    answer_workshop,
    data_request,
    list_workshops,
    pick_workshop,
    request_handover,
    request_status,
    send_msg,
    set_broadcasts,
    set_consent,
    set_field,
    set_language,
)

__all__ = [
    "HANDLERS",
    "action",
    "answer_workshop",
    "data_request",
    "execute",
    "list_workshops",
    "pick_workshop",
    "request_handover",
    "request_status",
    "send_msg",
    "set_broadcasts",
    "set_consent",
    "set_field",
    "set_language",
]
