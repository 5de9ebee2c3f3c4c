"""What the dashboards and the impact report read besides the live tables: counts kept in
step with the dispatcher's transaction (no contact in them), the people of erased contacts
as anonymous counts, and the misunderstood messages a facilitator reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime, utcnow


class ActivityDay(Base):
    """Per business day (TIMEZONE), channel and the contact's language: how many messages
    came in, how many replies went out, how many were not understood or only guessed at,
    how many asked for a person. Kept in the dispatcher's transaction; never erased."""

    __tablename__ = "activity_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    messages_in: Mapped[int] = mapped_column(Integer, default=0)
    messages_out: Mapped[int] = mapped_column(Integer, default=0)
    not_understood: Mapped[int] = mapped_column(Integer, default=0)
    low_confidence: Mapped[int] = mapped_column(Integer, default=0)
    handovers: Mapped[int] = mapped_column(Integer, default=0)
    # The journeys' steps, counted when they happen (erasure and withdrawn consent leave them).
    modules_done: Mapped[int] = mapped_column(Integer, default=0)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)  # a checklist step marked done
    rsvp_yes: Mapped[int] = mapped_column(Integer, default=0)  # "I'll come" to a workshop


class ErasedPeople(Base):
    """Erased contacts, counted without them: per day of first contact, channel and last
    language, how many there were and how many had given consent."""

    __tablename__ = "erased_people"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    people: Mapped[int] = mapped_column(Integer, default=0)
    consented: Mapped[int] = mapped_column(Integer, default=0)


class ErasedAttendance(Base):
    """Per workshop, the answers of erased contacts, counted without them: how many were
    coming and how many came."""

    __tablename__ = "erased_attendance"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    coming: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[int] = mapped_column(Integer, default=0)


class Misunderstood(Base):
    """A message the bot did not understand or only guessed at, from a contact who gave
    consent; a facilitator names the intent it meant (or out_of_scope, or ignore). Goes
    with the contact when they are erased."""

    __tablename__ = "misunderstood"
    __table_args__ = (Index("ix_misunderstood_review_id", "review", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))  # the conversation's (else the NLU's reading)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # not_understood | low_confidence
    guess: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    review: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class DigestSent(Base):
    """The daily digest e-mail of a day, sent once whichever process gets there first."""

    __tablename__ = "digests_sent"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
