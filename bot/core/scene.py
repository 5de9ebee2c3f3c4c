"""What event handlers work on: the batch's pending writes, and one message's scene."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from bot.core.messages import InboundMessage
from bot.core.programme import Programme
from bot.db.repos import conversations as repo
from bot.delivery import outbox
from bot.delivery.payload import Payload
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

    def flush(self, conn: Connection) -> list[int]:
        """Write everything; returns the outbox ids, in the order of `self.outbox`."""
        repo.save_contacts(conn, self.contacts, self.now)
        repo.add_messages(conn, self.messages)
        repo.add_tickets(conn, self.tickets)
        return outbox.enqueue(conn, self.outbox)


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

    @property
    def now(self) -> datetime:
        return self.batch.now

    @property
    def programme(self) -> Programme:
        return self.batch.programme

    def finish(self, owner: int) -> None:
        """The message, its replies and their outbox rows join the batch."""
        contact, msg, now = self.contact, self.message, self.now
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
