"""Broadcasts (texts per language, audience, schedule), their recipients, the contacts who
stopped broadcasts, the WhatsApp templates used outside the 24-hour window, and the
facilitators' own words added to a workshop's reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class Broadcast(Base):
    """draft -> scheduled -> sending -> sent, or cancelled before `sent`."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # The filters, as typed by the facilitator ({"lang": ["ar"], "channel": ["whatsapp"]}).
    audience: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    purpose: Mapped[str] = mapped_column(String(32), default="broadcast")
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When sending may start (UTC); quiet hours may delay it further.
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(254), nullable=True)


class BroadcastText(Base):
    """One language's text. `status`: reviewed (a person wrote or checked it), machine (a
    draft nobody checked yet: never sent) or french (the facilitator chose to send the
    French text to this language)."""

    __tablename__ = "broadcast_texts"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="machine")
    # The machine translation as it came, kept beside the reviewed text.
    machine_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    media_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)  # image|audio
    media_ref: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BroadcastRecipient(Base):
    """One contact of one broadcast, once: waiting -> queued (in the outbox) -> sent ->
    delivered -> read; or failed, needs_template, skipped (left the audience before it
    went), cancelled."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "contact_id"),
        Index("ix_broadcast_recipients_broadcast_id_status", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    # Null once the contact is erased: the row stays, anonymous, for the counts.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # No foreign key: the outbox forgets finished rows (retention) before we do.
    outbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BroadcastStop(Base):
    """A contact who asked for no more broadcasts (one word: "stop"); deleted when they
    ask for them again, and with the contact."""

    __tablename__ = "broadcast_stops"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    stopped_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReminderNote(Base):
    """A facilitator's own text, in one language, added to a workshop's reminders ("bring
    your residence permit"). Written by a person: never a machine draft."""

    __tablename__ = "workshop_reminder_notes"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WhatsAppTemplate(Base):
    """An approved WhatsApp template (Twilio Content) for a purpose and a language.

    `variables` maps each placeholder to the field that fills it, {"1": "text"}: the
    sender sends ContentSid + ContentVariables outside the 24-hour window.
    """

    __tablename__ = "whatsapp_templates"
    __table_args__ = (UniqueConstraint("purpose", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    content_sid: Mapped[str] = mapped_column(String(64))
    variables: Mapped[dict[str, str]] = mapped_column(JsonType, default=dict)
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
