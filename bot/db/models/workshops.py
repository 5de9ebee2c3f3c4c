"""Workshops (titles per language, time in UTC, place, languages spoken) and who comes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titles: Mapped[dict[str, Any]] = mapped_column(JsonType)  # language -> title
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    place: Mapped[str] = mapped_column(String(200))
    langs: Mapped[list[Any]] = mapped_column(JsonType)  # languages spoken there
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkshopRsvp(Base):
    """One contact's answer to one workshop ("yes" / "no"), and whether they came."""

    __tablename__ = "workshop_rsvps"
    __table_args__ = (UniqueConstraint("workshop_id", "contact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
