"""step_marked: kept only with consent; the weekly nudge moves a week ahead, unless stopped."""

from __future__ import annotations

from flows.events import NudgesChanged, StepMarked
from tests.bot.handlers.conftest import Harness


async def test_with_consent_the_step_is_kept_and_the_nudge_moves(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    await harness.apply(contact, [StepMarked("bank", "help"), StepMarked("address", "done")])
    steps = await harness.rows("SELECT step_id, status FROM checklist_progress ORDER BY step_id")
    assert [(r.step_id, r.status) for r in steps] == [("address", "done"), ("bank", "help")]
    jobs = await harness.rows("SELECT key, status FROM scheduled_jobs")
    assert [(r.key, r.status) for r in jobs] == [(f"nudge:{contact.id}", "pending")]


async def test_without_consent_nothing_is_kept(harness: Harness) -> None:
    contact = await harness.contact(consent=False)
    await harness.apply(contact, [StepMarked("bank", "done")])
    assert await harness.rows("SELECT step_id FROM checklist_progress") == []
    assert await harness.rows("SELECT id FROM scheduled_jobs") == []


async def test_a_stopped_nudge_stays_stopped(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    await harness.apply(contact, [NudgesChanged(False)])
    await harness.apply(contact, [StepMarked("bank", "not_yet")])
    assert await harness.rows("SELECT id FROM scheduled_jobs WHERE status = 'pending'") == []
