"""Inbound dedupe keys, the transactional outbox, and the rate limits senders share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class ProcessedInbound(Base):
    """One row per platform message processed; holds no personal data."""

    __tablename__ = "processed_inbound"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Outbox(Base):
    """Messages to send. pending -> sending (claimed by one sender, for a lease it renews)
    -> sent | failed | held; a `transient` row is deleted instead of finishing."""

    __tablename__ = "outbox"
    # Partial indexes: the sender only ever looks at unfinished rows, a small set, while
    # sent rows pile up until retention removes them.
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "priority",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_outbox_unfinished",
            "channel",
            "address",
            "priority",
            "id",
            sqlite_where=text("status IN ('pending', 'sending')"),
            postgresql_where=text("status IN ('pending', 'sending')"),
        ),
        Index(
            "ix_outbox_sending",
            "claimed_until",
            sqlite_where=text("status = 'sending'"),
            postgresql_where=text("status = 'sending'"),
        ),
        Index("ix_outbox_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    purpose: Mapped[str] = mapped_column(String(32), default="reply")
    # Lower goes first: replies (0) before reminders (10) before broadcasts (20).
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The sender holding a `sending` row, and until when; another may take it after that.
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Parts of a split message already delivered: a retry resumes after them.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # When the message this row answers arrived: it opens WhatsApp's 24-hour window even
    # once the contact (and its identity) is erased.
    inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # A message to someone who asked to be erased: deleted, not kept, once finished.
    transient: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    provider_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RateLimitState(Base):
    """A rate shared by every sender process: the next free send slot of one key (a
    channel), as epoch seconds (GCRA's theoretical arrival time)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)
