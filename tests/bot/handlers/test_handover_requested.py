"""handover_requested: an open request for a person, tied to the contact."""

from __future__ import annotations

from flows.events import HandoverRequested
from tests.bot.handlers.conftest import Harness


async def test_an_open_request_is_created(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [HandoverRequested("user_request")])
    rows = await harness.rows("SELECT contact_id, reason, status FROM handover_tickets")
    assert [(r.contact_id, r.reason, r.status) for r in rows] == [
        (contact.id, "user_request", "open")
    ]
