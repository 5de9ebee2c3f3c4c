"""broadcasts_changed: stopping records the choice and drops what still waits for the
contact; starting again removes it."""

from __future__ import annotations

from bot.db.repos.broadcasts import broadcasts_stopped
from flows.events import BroadcastsChanged
from tests.bot.handlers.conftest import Harness


async def test_stop_then_start(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    await harness.apply(contact, [BroadcastsChanged(stopped=True)])
    assert await harness.db.run(broadcasts_stopped, contact.id)
    [(stopped_at,)] = await harness.rows("SELECT stopped_at FROM broadcast_stops")
    assert stopped_at is not None
    await harness.apply(contact, [BroadcastsChanged(stopped=True)])  # again: no error
    await harness.apply(contact, [BroadcastsChanged(stopped=False)])
    assert not await harness.db.run(broadcasts_stopped, contact.id)
    assert await harness.rows("SELECT * FROM broadcast_stops") == []
