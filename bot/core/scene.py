"""What event handlers work on: the batch's pending writes, and one message's scene."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection

from bot.core.messages import InboundMessage
from bot.core.programme import Programme
from bot.db.repos import activity, held
from bot.db.repos import conversations as repo
from bot.delivery import outbox
from bot.delivery.payload import Payload
from content.catalog import BASE_LANG, LANGS
from flows.engine import Environment
from flows.events import MsgCreated
from nlu.types import ParseResult


@dataclass
class Batch:
    """The writes of one dispatcher batch, committed together in one transaction."""

    now: datetime
    programme: Programme = field(default_factory=Programme)  # time zone, office hours
    contacts: list[repo.ContactRow] = field(default_factory=list)
    messages: list[repo.MessageRow] = field(default_factory=list)
    tickets: list[repo.TicketRow] = field(default_factory=list)
    outbox: list[outbox.OutboxRow] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # the batch item each outbox row answers
    # The figures' counts (bot/reports reads them) and the misunderstood messages to review.
    tally: activity.Tally = field(default_factory=activity.Tally)
    misses: list[activity.MissRow] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.now.astimezone(self.programme.tz).date()

    def flush(self, conn: Connection) -> list[int]:
        """Write everything; returns the outbox ids, in the order of `self.outbox`."""
        repo.save_contacts(conn, self.contacts, self.now)
        held.release_answers(conn, [c.id for c in self.contacts], self.now)
        repo.add_messages(conn, self.messages)
        repo.add_tickets(conn, self.tickets)
        activity.add_misses(conn, self.misses)
        ids = outbox.enqueue(conn, self.outbox)
        activity.add_counts(conn, self.tally, self.day)
        return ids


@dataclass
class Scene:
    """One inbound message being applied: its contact (changed in place by handlers), and
    the replies its events produced."""

    conn: Connection
    batch: Batch
    env: Environment
    contact: repo.ContactRow
    message: InboundMessage
    text: str  # the message's text as stored
    parse: ParseResult | None
    replies: list[MsgCreated] = field(default_factory=list)
    erased: bool = False  # the contact asked to delete everything: log nothing more
    # What handlers noted for the figures: not_understood, low_confidence, handovers.
    marks: Counter[str] = field(default_factory=Counter)

    @property
    def now(self) -> datetime:
        return self.batch.now

    @property
    def programme(self) -> Programme:
        return self.batch.programme

    @property
    def lang(self) -> str:
        """The language replies are written in (French while none is known)."""
        return self.contact.lang if self.contact.lang in LANGS else BASE_LANG

    @property
    def source(self) -> str:
        """The channel message this scene applies, as the ledger names it (recorded once)."""
        return f"{self.message.channel}:{self.message.external_id}"[:96]

    def say(self, key: str, **params: object) -> None:
        """A reply of the host's own (a handler's), in the contact's language."""
        self.replies.append(MsgCreated(self.env.catalog.text(key, self.lang, **params), self.lang))

    def mark(self, measure: str) -> None:
        """Count this message under `measure` (activity.MEASURES) in the day's figures."""
        self.marks[measure] += 1

    def finish(self, owner: int) -> None:
        """The message, its replies and their outbox rows join the batch."""
        contact, msg, now = self.contact, self.message, self.now
        self._count()
        if not self.erased:
            self.batch.contacts.append(contact)
            self.batch.messages.append(
                repo.MessageRow(
                    contact.id,
                    "in",
                    msg.channel,
                    self.text,
                    self.parse.lang if self.parse else "und",
                    now,
                    self.parse.intent if self.parse else None,
                    msg.attachments,
                )
            )
        for reply in self.replies:
            if not self.erased:
                self.batch.messages.append(
                    repo.MessageRow(contact.id, "out", msg.channel, reply.text, reply.lang, now)
                )
            self.batch.outbox.append(
                outbox.OutboxRow(
                    None if self.erased else contact.id,
                    msg.channel,
                    msg.address,
                    Payload.of(reply),
                    now,
                    inbound_at=now,
                    transient=self.erased,
                )
            )
            self.batch.owners.append(owner)

    def _count(self) -> None:
        """The message in the day's counts (under the contact's language after it), and, from
        a contact who consented, a message not understood kept for a facilitator's review."""
        contact, channel, tally = self.contact, self.message.channel, self.batch.tally
        tally.add(channel, contact.lang, "messages_in")
        tally.add(channel, contact.lang, "messages_out", len(self.replies))
        for measure, n in self.marks.items():
            tally.add(channel, contact.lang, measure, n)
        kind = next((m for m in activity.MISSED if self.marks[m]), None)
        if kind is None or self.erased or not contact.consent or not self.text.strip():
            return
        parse = self.parse
        guess, confidence = (None, None) if parse is None else (parse.intent, parse.confidence)
        if parse is not None and parse.ranking:  # the model's own first choice
            guess, confidence = parse.ranking[0]
        self.batch.misses.append(
            activity.MissRow(
                contact.id,
                channel,
                # The conversation's language, as the person chose it: what nlu-export
                # files the example under (the NLU's reading of "qwerty" may be anything).
                contact.lang if contact.lang in LANGS else (parse.lang if parse else "und"),
                self.text,
                kind,
                guess,
                confidence,
                self.now,
            )
        )
