"""msg_created: each reply is logged and queued once, in order, with its choices."""

from __future__ import annotations

from flows.events import MsgCreated, QuickReply
from tests.bot.handlers.conftest import Harness, json_value


async def test_replies_are_logged_and_queued_in_order(harness: Harness) -> None:
    contact = await harness.contact()
    first = MsgCreated("Bonjour", "fr", (QuickReply("yes", "✅ Oui"),), image="img-1")
    applied = await harness.apply(contact, [first, MsgCreated("Suite", "fr")])
    assert len(applied.outbox_ids) == 2
    rows = await harness.rows("SELECT contact_id, payload FROM outbox ORDER BY id")
    assert [r.contact_id for r in rows] == [contact.id, contact.id]
    assert json_value(rows[0].payload) == {
        "text": "Bonjour",
        "lang": "fr",
        "quick_replies": [{"id": "yes", "title": "✅ Oui"}],
        "attachments": [{"kind": "image", "ref": "img-1"}],
    }
    log = await harness.rows("SELECT direction, text FROM messages ORDER BY id")
    assert [(r.direction, r.text) for r in log] == [
        ("in", "hello"),
        ("out", "Bonjour"),
        ("out", "Suite"),
    ]


async def test_no_event_still_logs_the_message(harness: Harness) -> None:
    contact = await harness.contact()
    applied = await harness.apply(contact, [])
    assert applied.outbox_ids == []
    assert len(await harness.rows("SELECT id FROM messages")) == 1
