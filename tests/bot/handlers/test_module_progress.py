"""module_progressed and module_completed: where the contact is in a module, and the quiz."""

from __future__ import annotations

from flows.events import ModuleCompleted, ModuleProgressed
from tests.bot.handlers.conftest import Harness


async def test_progress_then_completion(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [ModuleProgressed("coop", 1)])
    await harness.apply(contact, [ModuleProgressed("coop", 3)])
    row = (await harness.rows("SELECT position, done_at FROM module_progress"))[0]
    assert row.position == 3 and row.done_at is None
    await harness.apply(contact, [ModuleCompleted("coop", "one_vote", True)])
    row = (await harness.rows("SELECT * FROM module_progress"))[0]
    assert (row.position, row.quiz_answer, bool(row.quiz_right)) == (3, "one_vote", True)
    assert row.done_at is not None


async def test_a_module_finished_at_once_is_recorded(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [ModuleCompleted("cae", "cesa", False)])
    row = (await harness.rows("SELECT position, quiz_right FROM module_progress"))[0]
    assert (row.position, bool(row.quiz_right)) == (0, False)
