"""flow_entered and input_not_understood write no rows of their own: they only mark the
message for the day's counts (and for review, from a contact who consented)."""

from __future__ import annotations

from flows.events import FlowEntered, InputNotUnderstood
from tests.bot.handlers.conftest import Harness


async def test_flow_entered_writes_nothing(harness: Harness) -> None:
    contact = await harness.contact()
    applied = await harness.apply(contact, [FlowEntered("menu")])
    assert applied.outbox_ids == [] and applied.batch.tickets == []
    assert len(await harness.rows("SELECT id FROM messages")) == 1
    assert applied.scene.marks == {} and applied.batch.misses == []


async def test_entering_the_suggestion_marks_a_guess(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    applied = await harness.apply(contact, [FlowEntered("suggest")], text="je veux apprendre")
    assert applied.scene.marks == {"low_confidence": 1}
    assert [m.kind for m in applied.batch.misses] == ["low_confidence"]
    assert await harness.rows("SELECT low_confidence, messages_in FROM activity_daily") == [(1, 1)]


async def test_input_not_understood_is_counted_and_kept_with_consent(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    applied = await harness.apply(contact, [InputNotUnderstood(2)], text="blorb")
    assert applied.outbox_ids == [] and applied.batch.tickets == []
    assert len(await harness.rows("SELECT id FROM messages")) == 1
    assert await harness.rows("SELECT kind, text FROM misunderstood") == [
        ("not_understood", "blorb")
    ]


async def test_input_not_understood_without_consent_is_only_counted(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [InputNotUnderstood(1)], text="blorb")
    assert await harness.rows("SELECT id FROM misunderstood") == []
    assert await harness.rows("SELECT not_understood FROM activity_daily") == [(1,)]
