"""handover_requested: an open request for a person, tied to the contact."""

from __future__ import annotations

from flows.events import HandoverRequested
from tests.bot.handlers.conftest import Harness, json_value


async def test_an_open_request_is_created(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [HandoverRequested("user_request")])
    rows = await harness.rows("SELECT contact_id, reason, status FROM handover_tickets")
    assert [(r.contact_id, r.reason, r.status) for r in rows] == [
        (contact.id, "user_request", "open")
    ]


async def test_the_request_keeps_what_led_there(harness: Harness) -> None:
    contact = await harness.contact()
    event = HandoverRequested("step_help", (("flow", "steps"), ("step", "bank")))
    await harness.apply(contact, [event])
    (row,) = await harness.rows("SELECT reason, context FROM handover_tickets")
    assert row.reason == "step_help"
    assert json_value(row.context) == {"flow": "steps", "step": "bank"}
