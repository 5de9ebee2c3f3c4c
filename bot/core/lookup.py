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
from bot.db.repos.coops import CoopRow, MemberRow
from bot.ledger import facts as ledger
from bot.ledger.calendar import business_date
from flows.lookup import (
    CoopInfo,
    Eligibility,
    InviteInfo,
    ModuleStatus,
    RequestStatus,
    SaleInfo,
    SalesTotals,
    WorkshopInfo,
)

# name -> how to read it for one contact; flows use `lookup.<name>` / `@lookup.<name>`.
FACTS: dict[str, Callable[[Connection, int], str]] = {
    "open_requests": lambda conn, contact_id: str(repo.open_tickets(conn, contact_id)),
    # The engine's "two messages in a row in another language" (flows/engine.py).
    "previous_lang": repo.last_inbound_lang,
    # The weekly nudge about the next administrative step: on (unless stopped) or off.
    "nudges": lambda conn, contact_id: (
        "on" if journeys.nudges_on(conn, [contact_id]).get(contact_id, True) else "off"
    ),
    # Whether the word "start" means "broadcasts again" (flows/engine.py).
    "broadcasts_stopped": lambda conn, contact_id: (
        "yes" if broadcasts_repo.broadcasts_stopped(conn, contact_id) else "no"
    ),
}


def settings_facts(retention_days: int) -> dict[str, str]:
    """Facts from the settings, the same for every contact: how long an inactive contact's
    messages are kept (said in the privacy notice)."""
    return {"retention_days": str(retention_days)}


@dataclass
class _Read:
    """What one message's lookup read already: a flow's actions may ask for the coop twice."""

    member: tuple[CoopRow, MemberRow] | None = None
    coop: CoopInfo | None = None
    done: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class BatchLookup:
    conn: Connection
    contact_id: int
    known: Mapping[str, str] = field(default_factory=dict)  # settings_facts(), no query
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    programme: Programme = field(default_factory=Programme)  # TIMEZONE, office hours
    _read: _Read = field(default_factory=lambda: _Read())

    def value(self, name: str) -> str | None:
        if name in self.known:
            return self.known[name]
        read = FACTS.get(name)
        return read(self.conn, self.contact_id) if read else None

    # --- the coops' sales ---
    def _membership(self) -> tuple[CoopRow, MemberRow] | None:
        read = self._read
        if "member" not in read.done:
            today = business_date(self.now, self.programme.tz)
            read.member = ledger.current_member(self.conn, self.contact_id, today)
            read.done.add("member")
        return read.member

    def coop(self) -> CoopInfo | None:
        read = self._read
        if "coop" not in read.done:
            found = self._membership()
            today = business_date(self.now, self.programme.tz)
            read.coop = ledger.coop_info(self.conn, *found, today) if found else None
            read.done.add("coop")
        return read.coop

    def sales_totals(self) -> SalesTotals | None:
        found = self._membership()
        if found is None:
            return None
        coop, member = found
        return ledger.sales_totals(
            self.conn, coop.id, member.id, business_date(self.now, self.programme.tz)
        )

    def last_sale(self) -> SaleInfo | None:
        found = self._membership()
        if found is None:
            return None
        return ledger.last_sale(self.conn, found[1].id, now=self.now, tz=self.programme.tz)

    def invite(self, code: str) -> InviteInfo | None:
        today = business_date(self.now, self.programme.tz)
        return ledger.invite(self.conn, code, self.contact_id, today)

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
