"""sale_reminders_changed: the evening reminder off, then on again, in the contact's coops."""

from __future__ import annotations

from flows.events import SaleRemindersChanged
from tests.bot.handlers.conftest import Harness
from tests.bot.handlers.test_sale_confirmed import member


async def test_reminders_off_then_on(harness: Harness) -> None:
    contact, _ = await member(harness)
    await harness.apply(contact, [SaleRemindersChanged(False)])
    assert [bool(r[0]) for r in await harness.rows("SELECT reminders FROM coop_members")] == [False]
    await harness.apply(contact, [SaleRemindersChanged(True)], external_id="x2")
    assert [bool(r[0]) for r in await harness.rows("SELECT reminders FROM coop_members")] == [True]
