"""workshop_answered: "I'll come" records the answer and schedules both reminders;
"I can't" records it and cancels them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection

from bot.db.repos import workshops
from flows.events import WorkshopAnswered
from tests.bot.handlers.conftest import NOW, Harness


async def a_workshop(harness: Harness) -> int:
    def add(conn: Connection) -> int:
        return workshops.add_workshop(
            conn,
            titles={"fr": "Atelier"},
            starts_at=NOW + timedelta(days=10),
            place="Paris",
            langs=("fr",),
            now=NOW,
        )

    return await harness.db.run(add)


async def test_coming_schedules_the_reminders(harness: Harness) -> None:
    contact = await harness.contact()
    ws = await a_workshop(harness)
    await harness.apply(contact, [WorkshopAnswered(ws, True)])
    assert [r.answer for r in await harness.rows("SELECT answer FROM workshop_rsvps")] == ["yes"]
    jobs = await harness.rows("SELECT key, status FROM scheduled_jobs ORDER BY due_at")
    assert [(r.key, r.status) for r in jobs] == [
        (f"reminder:{ws}:{contact.id}:24h", "pending"),
        (f"reminder:{ws}:{contact.id}:2h", "pending"),
    ]


async def test_not_coming_cancels_them(harness: Harness) -> None:
    contact = await harness.contact()
    ws = await a_workshop(harness)
    await harness.apply(contact, [WorkshopAnswered(ws, True)])
    await harness.apply(contact, [WorkshopAnswered(ws, False)])
    assert [r.answer for r in await harness.rows("SELECT answer FROM workshop_rsvps")] == ["no"]
    jobs = await harness.rows("SELECT status FROM scheduled_jobs")
    assert {r.status for r in jobs} == {"cancelled"}
