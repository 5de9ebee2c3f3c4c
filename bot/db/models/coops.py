"""The ephemeral cooperatives: their products (price and VAT rate each) and members."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class Coop(Base):
    __tablename__ = "coops"
    __table_args__ = (CheckConstraint("kind IN ('culinary', 'textile')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The CAE books each activity under its own analytic code.
    analytic_code: Mapped[str] = mapped_column(String(32), unique=True)
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    # A member's sale above this is asked again (a typo, or a unit price taken as a total).
    max_sale_cents: Mapped[int] = mapped_column(BigInteger)
    # The rate of a product the coop did not list (kept as the member wrote it).
    default_vat_bp: Mapped[int] = mapped_column(Integer)
    reminder_at: Mapped[time] = mapped_column(Time)  # end-of-day reminder, in TIMEZONE
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Product(Base):
    __tablename__ = "coop_products"
    __table_args__ = (UniqueConstraint("coop_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id"))
    name: Mapped[str] = mapped_column(String(80))
    # Other words members use for it, in any language ("plat", "وجبة", "መግቢ").
    aliases: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    default_price_cents: Mapped[int] = mapped_column(BigInteger)
    # Basis points: 1000 = 10 %, 550 = 5.5 %, 2000 = 20 % (exact, never a float).
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Member(Base):
    """A person in a coop. The row outlives the person's erasure (contact_id becomes null):
    the ledger names members by this id only, so their accounts still add up."""

    __tablename__ = "coop_members"
    __table_args__ = (UniqueConstraint("coop_id", "contact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(64))  # "invite" or "facilitator:<who>"
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
