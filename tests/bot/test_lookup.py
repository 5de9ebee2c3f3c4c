"""The host's lookup answers the engine's read-only questions from the database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from bot.core.lookup import BatchLookup
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
