"""nudges_changed: "stop" switches the weekly nudge off and cancels the pending one; on
again schedules the next."""

from __future__ import annotations

from flows.events import NudgesChanged, StepMarked
from tests.bot.handlers.conftest import Harness


async def test_stop_then_start_again(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    await harness.apply(contact, [StepMarked("bank", "not_yet")])
    await harness.apply(contact, [NudgesChanged(False)])
    prefs = await harness.rows("SELECT weekly_nudges FROM contact_preferences")
    assert [bool(r.weekly_nudges) for r in prefs] == [False]
    assert [r.status for r in await harness.rows("SELECT status FROM scheduled_jobs")] == [
        "cancelled"
    ]
    await harness.apply(contact, [NudgesChanged(True)])
    assert [r.status for r in await harness.rows("SELECT status FROM scheduled_jobs")] == [
        "pending"
    ]
