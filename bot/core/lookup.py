"""The engine's read-only lookup, answered from the batch's connection. Facts are read
only when a flow asks for them: a message whose flow asks nothing costs no query."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection

from bot.core.programme import Programme
from bot.db.repos import broadcasts as broadcasts_repo
from bot.db.repos import conversations as repo
from bot.db.repos import journeys, workshops
from flows.lookup import Eligibility, ModuleStatus, RequestStatus, WorkshopInfo

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
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    programme: Programme = field(default_factory=Programme)

    def value(self, name: str) -> str | None:
        if name in self.known:
            return self.known[name]
        read = FACTS.get(name)
        return read(self.conn, self.contact_id) if read else None

    def workshops(self) -> Sequence[WorkshopInfo]:
        answers = workshops.answers_of(self.conn, self.contact_id)
        tz = self.programme.tz
        return [
            WorkshopInfo(
                w.id,
                w.titles,
                w.starts_at.astimezone(tz),
                w.place,
                w.langs,
                answers.get(w.id),
            )
            for w in workshops.upcoming(self.conn, self.now)
        ]

    def modules(self) -> Mapping[str, ModuleStatus]:
        return {
            m.module_id: ModuleStatus(m.position, m.done, m.quiz_right)
            for m in journeys.modules(self.conn, self.contact_id).values()
        }

    def steps(self) -> Mapping[str, str]:
        return journeys.steps(self.conn, self.contact_id)

    def eligibility(self) -> Eligibility | None:
        kept = journeys.eligibility(self.conn, self.contact_id)
        return Eligibility(kept.outcome, dict(kept.answers)) if kept else None

    def request(self) -> RequestStatus:
        tz = self.programme.tz
        at = self.programme.hours.next_answer(self.now, tz)
        days = (at.date() - self.now.astimezone(tz).date()).days if at else 0
        return RequestStatus(repo.open_tickets(self.conn, self.contact_id), at, days)
