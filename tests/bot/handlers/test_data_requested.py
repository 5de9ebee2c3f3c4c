"""data_requested: show and export answer with what is stored; delete erases the contact
and still queues the confirmation, without the contact."""

from __future__ import annotations

from flows.events import DataRequested, MsgCreated
from tests.bot.handlers.conftest import Harness


async def test_show_answers_with_what_is_stored(harness: Harness) -> None:
    contact = await harness.contact(consent=True, fields={"project": "food"})
    applied = await harness.apply(contact, [DataRequested("show")])
    (reply,) = applied.scene.replies
    assert "Réponses gardées : 1" in reply.text and "Telegram" not in reply.text


async def test_export_includes_the_message_history(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [MsgCreated("Bienvenue", "fr")], text="premier message")
    applied = await harness.apply(contact, [DataRequested("export")], text="export")
    (reply,) = applied.scene.replies
    assert "premier message" in reply.text and "Bienvenue" in reply.text


async def test_delete_erases_and_still_answers(harness: Harness) -> None:
    contact = await harness.contact(consent=True, fields={"project": "food"})
    applied = await harness.apply(contact, [DataRequested("delete")])
    assert applied.scene.erased
    assert await harness.rows("SELECT id FROM contacts") == []
    assert await harness.rows("SELECT id FROM messages") == []
    rows = await harness.rows("SELECT contact_id, address FROM outbox")
    assert [(r.contact_id, r.address) for r in rows] == [(None, "u1")]
