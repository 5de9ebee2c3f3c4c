"""The engine's read-only lookup, answered from the batch's connection. Facts are read
only when a flow asks for them: a message whose flow asks nothing costs no query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from bot.db.repos import conversations as repo

# name -> how to read it for one contact; flows use `lookup.<name>` / `@lookup.<name>`.
FACTS: dict[str, Callable[[Connection, int], str]] = {
    "open_requests": lambda conn, contact_id: str(repo.open_tickets(conn, contact_id)),
}


@dataclass(frozen=True, slots=True)
class BatchLookup:
    conn: Connection
    contact_id: int

    def value(self, name: str) -> str | None:
        read = FACTS.get(name)
        return read(self.conn, self.contact_id) if read else None
