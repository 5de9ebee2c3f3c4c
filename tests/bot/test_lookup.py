"""The host's lookup answers the engine's read-only questions from the database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from bot.core.lookup import BatchLookup, settings_facts
from bot.db.repos import conversations as repo
from bot.db.session import Database

NOW = datetime(2026, 12, 2, tzinfo=UTC)


async def test_open_requests_are_counted_per_contact(db: Database) -> None:
    def run(conn: Connection) -> tuple[str | None, str | None, str | None]:
        made = repo.create_contacts(conn, [("test", "a", "fr"), ("test", "b", "ar")], NOW)
        a, b = made[("test", "a")], made[("test", "b")]
        repo.add_tickets(conn, [repo.TicketRow(a.id, "user_request", NOW)] * 2)
        return (
            BatchLookup(conn, a.id).value("open_requests"),
            BatchLookup(conn, b.id).value("open_requests"),
            BatchLookup(conn, a.id).value("no_such_fact"),
        )

    assert await db.run(run) == ("2", "0", None)


async def test_previous_language_and_settings_facts(db: Database) -> None:
    def run(conn: Connection) -> tuple[str | None, ...]:
        made = repo.create_contacts(conn, [("test", "a", "fr"), ("test", "b", "ar")], NOW)
        a, b = made[("test", "a")], made[("test", "b")]
        repo.add_messages(
            conn,
            [
                repo.MessageRow(a.id, "in", "test", "bonjour", "fr", NOW),
                repo.MessageRow(a.id, "in", "test", "مرحبا", "ar", NOW),
                repo.MessageRow(a.id, "out", "test", "réponse", "fr", NOW),
            ],
        )
        known = settings_facts(400)
        return (
            BatchLookup(conn, a.id).value("previous_lang"),  # the latest inbound, not a reply
            BatchLookup(conn, b.id).value("previous_lang"),  # nothing logged yet
            BatchLookup(conn, a.id, known).value("retention_days"),
            BatchLookup(conn, a.id).value("retention_days"),  # only what the host gives
        )

    assert await db.run(run) == ("ar", "und", "400", None)


async def test_typed_facts_for_the_journeys(db: Database) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.core.office_hours import parse_office_hours
    from bot.core.programme import Programme
    from bot.db.repos import journeys, workshops

    paris = ZoneInfo("Europe/Paris")
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)  # no one at the office
    programme = Programme(paris, parse_office_hours("mon-fri 09:00-17:00"))

    def run(conn: Connection) -> BatchLookup:
        made = repo.create_contacts(conn, [("test", "a", "fr")], NOW)
        cid = made[("test", "a")].id
        later, _sooner = (
            workshops.add_workshop(
                conn,
                titles={"fr": title},
                starts_at=saturday + timedelta(days=days),
                place="Paris",
                langs=("fr", "ar"),
                now=NOW,
            )
            for title, days in (("Plus tard", 30), ("Bientôt", 2))
        )
        workshops.add_workshop(
            conn,
            titles={"fr": "Passé"},
            starts_at=saturday - timedelta(days=1),
            place="Paris",
            langs=("fr",),
            now=NOW,
        )
        workshops.answer(
            conn, workshop_id=later, contact_id=cid, coming=True, now=saturday, tz=paris
        )
        journeys.record_module(conn, cid, "coop", position=2, now=NOW)
        journeys.record_step(conn, cid, "bank", "help", NOW)
        journeys.record_eligibility(conn, cid, "cae", {"project": "other"}, NOW)
        repo.add_tickets(conn, [repo.TicketRow(cid, "user_request", NOW)])
        lookup = BatchLookup(conn, cid, now=saturday, programme=programme)
        found = lookup.workshops()
        assert [(w.title("ar"), w.answer) for w in found] == [
            ("Bientôt", None),
            ("Plus tard", "yes"),
        ]
        assert found[0].starts_at.tzinfo == paris and found[0].langs == ("fr", "ar")
        modules = lookup.modules()
        assert modules["coop"].position == 2 and not modules["coop"].done
        assert lookup.steps() == {"bank": "help"}
        kept = lookup.eligibility()
        assert kept is not None and kept.outcome == "cae"
        request = lookup.request()
        assert request.open == 1 and request.answer_from is not None
        assert request.answer_from.strftime("%a %H:%M") == "Mon 09:00"
        return lookup

    await db.run(run)
