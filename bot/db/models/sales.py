"""The sales ledger: append-only rows in integer cents, each chained by a hash to the
previous row of its coop, and the head of each coop's chain (see bot/ledger/chain.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime

SALE_IDS = Sequence("sales_id_seq")


class Sale(Base):
    """One ledger row, never updated nor deleted. Every column is covered by `hash`; none
    holds a person (members are `coop_members` rows, which erasure leaves in place)."""

    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("coop_id", "seq"),
        UniqueConstraint("source_message_id"),
        # Covering: a coop's sums for any period read this index only (see bench/ledger.py).
        Index(
            "ix_sales_totals",
            "coop_id",
            "business_date",
            "kind",
            "member_id",
            "product",
            "payment",
            "vat_rate_bp",
            "quantity",
            "amount_cents",
        ),
        Index("ix_sales_member_id_business_date", "member_id", "business_date"),
        CheckConstraint("kind IN ('sale', 'reversal', 'replacement', 'closing')", name="kind"),
        CheckConstraint("payment IN ('cash', 'card', 'transfer', '')", name="payment"),
    )

    # Taken before the insert (the id is hashed): nextval on PostgreSQL, max + 1 on SQLite.
    id: Mapped[int] = mapped_column(Integer, SALE_IDS, primary_key=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id"))
    seq: Mapped[int] = mapped_column(Integer)  # position in the coop's chain, from 1
    # sale | reversal (cancels corrects_id) | replacement (stands for corrects_id) | closing
    kind: Mapped[str] = mapped_column(String(12))
    business_date: Mapped[date] = mapped_column(Date)  # in TIMEZONE
    member_id: Mapped[int | None] = mapped_column(ForeignKey("coop_members.id"), nullable=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("coop_products.id"), nullable=True)
    product: Mapped[str] = mapped_column(String(80))  # as listed, or as the member wrote it
    quantity: Mapped[int] = mapped_column(Integer)  # negative in a reversal
    vat_rate_bp: Mapped[int] = mapped_column(Integer)  # basis points: 1000 = 10 %
    payment: Mapped[str] = mapped_column(String(8))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # VAT included; negative in a reversal
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales.id"), nullable=True, index=True
    )
    # A correction made after its day was closed is dated when it is made and names that day.
    corrects_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_message_id: Mapped[str | None] = mapped_column(String(96), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(96))  # "member:M00012", "facilitator:…"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A closing row seals its business day: the day's total and number of rows.
    sealed_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sealed_rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """The end of a coop's chain (its last row) and the last closed day. Appends lock this
    row, so a coop's rows are chained one at a time; a removed last row shows here."""

    __tablename__ = "ledger_heads"

    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    closed_through: Mapped[date | None] = mapped_column(Date, nullable=True)


class DayTotal(Base):
    """Sums of a closed business day, per member, product, payment method, VAT rate and for
    the whole day: written when the day is closed (its rows can no longer change), so that
    sums over months read a few rows a day instead of every sale. Derived data, not the
    ledger: exports and `sales verify` read `sales` itself."""

    __tablename__ = "sales_day_totals"

    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)  # day|member|product|…
    business_date: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # "" for the whole day
    rows: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)
    cents: Mapped[int] = mapped_column(BigInteger)
