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
