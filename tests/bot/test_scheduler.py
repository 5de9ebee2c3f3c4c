"""The scheduler: reminders to those who said yes, cancellation notices, weekly nudges;
Paris time, quiet at night, each job claimed once even with two schedulers at work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Connection

from bot.db.repos import conversations as repo
from bot.db.repos import journeys, workshops
from bot.db.repos.privacy import erase_contact
from bot.db.session import Database
from bot.delivery.scheduler import Scheduler
from content.catalog import Catalog, load_locale_files
from tests.bot.conftest import PARIS, Scheduled, paris, scheduled


class Town(Scheduled):
    """Contacts and workshops on the scheduled stack."""

    async def people(self, *addresses: str, lang: str = "fr", consent: bool = True) -> list[int]:
        def create(conn: Connection) -> list[int]:
            rows = repo.create_contacts(
                conn, [("test", a, lang) for a in addresses], self.clock.now
            )
            for row in rows.values():
                row.consent = consent
            repo.save_contacts(conn, list(rows.values()), self.clock.now)
            return [rows[("test", a)].id for a in addresses]

        return await self.db.run(create)

    async def workshop(self, at: str, **kw: Any) -> int:
        values: dict[str, Any] = {
            "titles": {"fr": "La CAE, comment ça marche", "ar": "كيف تعمل CAE"},
            "starts_at": paris(at),
            "place": "Maison des associations, Paris 18e",
            "langs": ("fr", "ar"),
        }
        values.update(kw)
        return await self.db.run(
            lambda conn: workshops.add_workshop(conn, now=self.clock.now, **values)
        )

    async def answer(self, workshop_id: int, contact_id: int, coming: bool = True) -> bool:
        return await self.db.run(
            lambda conn: workshops.answer(
                conn,
                workshop_id=workshop_id,
                contact_id=contact_id,
                coming=coming,
                now=self.clock.now,
                tz=PARIS,
            )
        )


@pytest.fixture
async def town(db: Database) -> AsyncIterator[Town]:
    async with scheduled(db, "2026-12-01 10:00") as stack:
        yield Town(stack.services, stack.channel, stack.clock)


async def test_reminders_a_day_and_two_hours_before_to_those_coming(town: Town) -> None:
    amina, karim = await town.people("amina", "karim")
    ws = await town.workshop("2026-12-12 14:30")
    assert await town.answer(ws, amina, coming=True)
    assert await town.answer(ws, karim, coming=False)
    assert await town.at("2026-12-11 14:29") == []
    sent = await town.at("2026-12-11 14:30")
    assert [address for address, _ in sent] == ["amina"]
    reminder = sent[0][1]
    assert reminder.startswith("⏰") and "demain, samedi 12 décembre, à 14:30" in reminder
    assert "La CAE, comment ça marche" in reminder and "Paris 18e" in reminder
    assert await town.at("2026-12-12 10:00") == []
    sent = await town.at("2026-12-12 12:30")
    assert len(sent) == 1 and "aujourd'hui à 14:30" in sent[0][1]
    assert await town.at("2026-12-13 10:00") == []
    # Logged as the bot's messages, queued with the reminders' purpose (WhatsApp templates).
    logged = await town.rows("SELECT direction FROM messages WHERE text LIKE '⏰%'")
    assert [r.direction for r in logged] == ["out", "out"]
    purposes = await town.rows("SELECT DISTINCT purpose FROM outbox")
    assert [r.purpose for r in purposes] == ["reminder"]


async def test_reminders_in_the_contacts_language(town: Town) -> None:
    (nour,) = await town.people("nour", lang="ar")
    (ali,) = await town.people("ali", lang="prs")
    (selam,) = await town.people("selam", lang="ti")
    ws = await town.workshop("2026-12-12 14:30")
    for who in (nour, ali, selam):
        await town.answer(ws, who)
    sent = dict(await town.at("2026-12-11 14:30"))
    assert "كيف تعمل CAE" in sent["nour"] and "ديسمبر" in sent["nour"]
    assert "دسمبر" in sent["ali"] and "ورکشاپ" in sent["ali"]  # Afghan month name
    assert "ታሕሳስ" in sent["selam"] and "ቀዳም" in sent["selam"]  # Saturday, December
    assert "La CAE, comment ça marche" in sent["selam"]  # no Tigrinya title: the French one


async def test_nothing_goes_out_at_night(town: Town) -> None:
    (amina,) = await town.people("amina")
    ws = await town.workshop("2026-12-13 10:00")
    await town.answer(ws, amina)
    # The day-before reminder is due at 10:00; the scheduler is down, back at 22:00.
    assert await town.at("2026-12-12 22:00") == []
    assert await town.at("2026-12-13 07:59") == []
    sent = await town.at("2026-12-13 08:00")  # the morning: still two hours before
    assert len(sent) == 1 and "aujourd'hui à 10:00" in sent[0][1]


async def test_a_reminder_too_late_to_help_is_dropped(town: Town) -> None:
    (amina,) = await town.people("amina")
    ws = await town.workshop("2026-12-12 14:30")
    await town.answer(ws, amina)
    assert await town.at("2026-12-12 14:10") == []  # both overdue, 20 minutes left
    notes = await town.rows("SELECT status, note FROM scheduled_jobs ORDER BY id")
    assert [(r.status, r.note) for r in notes] == [
        ("skipped", "superseded"),  # the day-before one: only the latest of both counts
        ("skipped", "too late"),
    ]


async def test_saying_no_after_yes_stops_the_reminders(town: Town) -> None:
    (amina,) = await town.people("amina")
    ws = await town.workshop("2026-12-12 14:30")
    await town.answer(ws, amina, coming=True)
    await town.answer(ws, amina, coming=False)
    assert await town.at("2026-12-11 14:30") == []
    assert await town.at("2026-12-12 12:30") == []


async def test_an_answer_after_a_reminder_time_keeps_only_what_is_ahead(town: Town) -> None:
    (amina,) = await town.people("amina")
    ws = await town.workshop("2026-12-02 18:00")  # tomorrow evening at 18:00
    town.clock.now = paris("2026-12-02 09:00")
    await town.answer(ws, amina)
    keys = await town.rows("SELECT key FROM scheduled_jobs")
    assert [r.key for r in keys] == [f"reminder:{ws}:{amina}:2h"]


async def test_cancelling_tells_those_coming_and_stops_reminders(town: Town) -> None:
    amina, karim, nadia = await town.people("amina", "karim", "nadia")
    ws = await town.workshop("2026-12-12 14:30")
    await town.answer(ws, amina)
    await town.answer(ws, karim)
    await town.answer(ws, nadia, coming=False)
    town.clock.now = paris("2026-12-05 23:00")  # cancelled at night: told in the morning
    told = await town.db.run(
        lambda conn: workshops.cancel_workshop(conn, ws, town.clock.now, PARIS)
    )
    assert told == 2
    assert await town.at("2026-12-05 23:30") == []
    sent = await town.at("2026-12-06 08:00")
    assert sorted(a for a, _ in sent) == ["amina", "karim"]
    assert all(t.startswith("❌") and "samedi 12 décembre" in t for _, t in sent)
    assert await town.at("2026-12-11 14:30") == []
    assert not await town.answer(ws, nadia)  # a cancelled workshop takes no answer


async def test_upcoming_lists_every_future_workshop_the_next_first(town: Town) -> None:
    far = await town.workshop("2027-06-01 10:00")
    near = await town.workshop("2026-12-03 10:00")
    gone = await town.workshop("2026-12-04 10:00")
    await town.db.run(lambda conn: workshops.cancel_workshop(conn, gone, town.clock.now, PARIS))
    found = await town.db.run(lambda conn: workshops.upcoming(conn, town.clock.now))
    assert [w.id for w in found] == [near, far]


def checklist(answers: Any, outcome: str | None) -> Sequence[tuple[str, str]]:
    """A contact's steps as the journeys' content composes them (here: fixed, plus a
    food-hygiene step for food projects)."""
    steps = [("address", "menu.steps"), ("bank", "menu.sales")]
    if answers.get("project") == "food":
        steps.insert(1, ("hygiene", "menu.workshops"))
    return steps


def with_nudge_texts(town: Town) -> None:
    """The nudge's texts (the journeys' content ships them) as the catalog holds them."""
    dispatcher = town.services.dispatcher
    assert dispatcher is not None
    texts = load_locale_files()
    texts["fr"] |= {
        "steps.nudge": "📝 Prochaine démarche : {step}",
        "steps.nudge_stop": "Pour ne plus recevoir ce message, écrivez {word}.",
    }
    dispatcher.env = replace(dispatcher.env, catalog=Catalog(texts))


async def test_weekly_nudge_about_the_next_step_until_stopped(town: Town) -> None:
    town.services.scheduler.checklist = checklist  # type: ignore[union-attr]
    with_nudge_texts(town)
    (amina,) = await town.people("amina")
    now = town.clock.now

    def start(conn: Connection) -> None:
        journeys.record_eligibility(conn, amina, "ephemeral_culinary", {"project": "food"}, now)
        journeys.record_step(conn, amina, "address", "done", now)
        journeys.schedule_nudge(conn, amina, now, PARIS)

    await town.db.run(start)
    assert await town.at("2026-12-08 09:59") == []
    sent = await town.at("2026-12-08 10:00")  # a week later, same hour
    assert sent == [
        (
            "amina",
            "📝 Prochaine démarche : 📅 Les ateliers\n"  # the food-hygiene step, before the bank
            "Pour ne plus recevoir ce message, écrivez STOP.",
        )
    ]
    due = await town.rows("SELECT due_at, status FROM scheduled_jobs WHERE kind = 'nudge'")
    assert due[0].status == "pending"
    assert await town.at("2026-12-15 09:59") == []
    assert len(await town.at("2026-12-15 10:00")) == 1
    await town.db.run(lambda conn: journeys.set_nudges(conn, amina, False, town.clock.now, PARIS))
    assert await town.at("2026-12-22 10:00") == []
    assert await town.at("2027-01-05 10:00") == []


async def test_no_nudge_without_consent_or_when_all_is_done(town: Town) -> None:
    town.services.scheduler.checklist = checklist  # type: ignore[union-attr]
    (no_consent,) = await town.people("ali", consent=False)
    (done,) = await town.people("nour")
    now = town.clock.now

    def start(conn: Connection) -> None:
        for step in ("address", "bank"):
            journeys.record_step(conn, done, step, "done", now)
        for who in (no_consent, done):
            journeys.schedule_nudge(conn, who, now, PARIS)

    await town.db.run(start)
    assert await town.at("2026-12-08 10:00") == []
    notes = await town.rows("SELECT contact_id, status, note FROM scheduled_jobs ORDER BY id")
    assert [(r.status, r.note) for r in notes] == [
        ("skipped", "no consent"),
        ("done", "all steps done"),
    ]


async def test_erasing_a_contact_erases_their_schedule_and_answers(town: Town) -> None:
    (amina,) = await town.people("amina")
    ws = await town.workshop("2026-12-12 14:30")
    await town.answer(ws, amina)
    await town.db.run(lambda conn: erase_contact(conn, amina))
    for table in ("scheduled_jobs", "workshop_rsvps"):
        assert await town.rows(f"SELECT id FROM {table}") == []
    assert await town.at("2026-12-11 14:30") == []


async def test_two_schedulers_send_each_reminder_once(town: Town) -> None:
    """Two schedulers, each with its own connections (as two worker processes), on the same
    due jobs at the same moment: every reminder is queued exactly once."""
    people = await town.people(*(f"p{i}" for i in range(300)))
    ws = await town.workshop("2026-12-12 14:30")

    def answer_all(conn: Connection) -> None:
        for who in people:
            workshops.answer(
                conn, workshop_id=ws, contact_id=who, coming=True, now=town.clock.now, tz=PARIS
            )

    await town.db.run(answer_all)
    town.clock.now = paris("2026-12-11 15:00")
    other_db = Database(town.db.url)
    try:
        first = Scheduler(town.db, town.services.catalog, PARIS, clock=town.clock, batch=40)
        second = Scheduler(other_db, town.services.catalog, PARIS, clock=town.clock, batch=40)
        claimed = await asyncio.gather(first.drain(), second.drain())
    finally:
        await other_db.dispose()
    assert sum(claimed) == 300
    queued = await town.rows(
        "SELECT address, COUNT(*) AS n FROM outbox GROUP BY address HAVING COUNT(*) > 1"
    )
    assert queued == []
    assert len(await town.rows("SELECT id FROM outbox")) == 300
    # (Which one takes how many depends on the machine; tests/bot/test_scheduler_processes.py
    # races real processes, one of them killed while it works.)
