"""Inbound dedupe keys and the transactional outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class ProcessedInbound(Base):
    """One row per platform message processed; holds no personal data."""

    __tablename__ = "processed_inbound"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Outbox(Base):
    __tablename__ = "outbox"
    # Partial indexes: the sender only ever looks at unfinished rows, a small set, while
    # sent rows pile up until retention removes them.
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_outbox_unfinished",
            "channel",
            "address",
            "id",
            sqlite_where=text("status IN ('pending', 'sending')"),
            postgresql_where=text("status IN ('pending', 'sending')"),
        ),
        # Held rows (WhatsApp outside the 24-hour window), listed in the admin's inbox.
        Index(
            "ix_outbox_held",
            "id",
            sqlite_where=text("status = 'held'"),
            postgresql_where=text("status = 'held'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kept after the contact is erased, so the "your data is deleted" reply still goes out.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    purpose: Mapped[str] = mapped_column(String(32), default="reply")
    # pending -> sending -> sent | failed | held
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    provider_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
