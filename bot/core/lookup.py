"""The engine's read-only lookup, answered from the batch's connection. Facts are read
only when a flow asks for them: a message whose flow asks nothing costs no query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection

from bot.db.repos import broadcasts as broadcasts_repo
from bot.db.repos import conversations as repo

# name -> how to read it for one contact; flows use `lookup.<name>` / `@lookup.<name>`.
FACTS: dict[str, Callable[[Connection, int], str]] = {
    "open_requests": lambda conn, contact_id: str(repo.open_tickets(conn, contact_id)),
    # The engine's "two messages in a row in another language" (flows/engine.py).
    "previous_lang": repo.last_inbound_lang,
    # Whether the word "start" means "broadcasts again" (flows/engine.py).
    "broadcasts_stopped": lambda conn, contact_id: (
        "yes" if broadcasts_repo.broadcasts_stopped(conn, contact_id) else "no"
    ),
}


def settings_facts(retention_days: int) -> dict[str, str]:
    """Facts from the settings, the same for every contact: how long an inactive contact's
    messages are kept (said in the privacy notice)."""
    return {"retention_days": str(retention_days)}


@dataclass(frozen=True, slots=True)
class BatchLookup:
    conn: Connection
    contact_id: int
    known: Mapping[str, str] = field(default_factory=dict)  # settings_facts(), no query

    def value(self, name: str) -> str | None:
        if name in self.known:
            return self.known[name]
        read = FACTS.get(name)
        return read(self.conn, self.contact_id) if read else None
