"""flow_entered and input_not_understood write nothing beyond the message itself."""

from __future__ import annotations

from flows.events import FlowEntered, InputNotUnderstood
from tests.bot.handlers.conftest import Harness


async def test_flow_entered_writes_nothing(harness: Harness) -> None:
    contact = await harness.contact()
    applied = await harness.apply(contact, [FlowEntered("menu")])
    assert applied.outbox_ids == [] and applied.batch.tickets == []
    assert len(await harness.rows("SELECT id FROM messages")) == 1


async def test_input_not_understood_writes_nothing(harness: Harness) -> None:
    contact = await harness.contact()
    applied = await harness.apply(contact, [InputNotUnderstood(2)])
    assert applied.outbox_ids == [] and applied.batch.tickets == []
    assert len(await harness.rows("SELECT id FROM messages")) == 1
