"""Coop sales: integer cents, the business day, corrections as new rows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime, utcnow


class Sale(Base):
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null once the member erased their data: the accounting row stays, anonymous.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    coop: Mapped[str] = mapped_column(String(32), default="")
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    source_message_id: Mapped[str | None] = mapped_column(String(96), unique=True, nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
