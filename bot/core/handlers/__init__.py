"""Host-side event handlers: one module per event type, each adding its writes to the batch
(as RapidPro's mailroom does). The dispatcher only loops over events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from bot.core.scene import Scene

E = TypeVar("E")
Handler = Callable[[Scene, Any], None]
HANDLERS: dict[type, Handler] = {}


def handles(
    event_type: type[E],
) -> Callable[[Callable[[Scene, E], None]], Callable[[Scene, E], None]]:
    def register(fn: Callable[[Scene, E], None]) -> Callable[[Scene, E], None]:
        if event_type in HANDLERS:
            raise ValueError(f"two handlers for {event_type.__name__}")
        HANDLERS[event_type] = fn
        return fn

    return register


def apply(scene: Scene, events: Iterable[object]) -> None:
    """Apply each event, in order, with the handler registered for its type."""
    for event in events:
        HANDLERS[type(event)](scene, event)


from bot.core.handlers import (  # noqa: E402  (modules register themselves on import)
    broadcasts_changed,
    consent_changed,
    contact_field_changed,
    contact_language_changed,
    coop_join_requested,
    data_requested,
    eligibility_decided,
    flow_entered,
    handover_requested,
    input_not_understood,
    module_completed,
    module_progressed,
    msg_created,
    nudges_changed,
    sale_confirmed,
    sale_corrected,
    sale_reminders_changed,
    sale_undone,
    step_marked,
    workshop_answered,
)

__all__ = [
    "HANDLERS",
    "apply",
    "broadcasts_changed",
    "consent_changed",
    "contact_field_changed",
    "contact_language_changed",
    "coop_join_requested",
    "data_requested",
    "eligibility_decided",
    "flow_entered",
    "handles",
    "handover_requested",
    "input_not_understood",
    "module_completed",
    "module_progressed",
    "msg_created",
    "nudges_changed",
    "sale_confirmed",
    "sale_corrected",
    "sale_reminders_changed",
    "sale_undone",
    "step_marked",
    "workshop_answered",
]
