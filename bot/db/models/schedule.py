"""Work the scheduler does when it is due: workshop reminders, cancellation notices and
weekly nudges. One row per piece of work, unique by `key`, claimed exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime, utcnow


class ScheduledJob(Base):
    __tablename__ = "scheduled_jobs"
    # The scheduler only looks at pending rows, by due time: a small, indexed set.
    __table_args__ = (
        Index(
            "ix_scheduled_jobs_due",
            "due_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        # Jobs a scheduler's transaction has claimed (never committed as such): few rows.
        Index(
            "ix_scheduled_jobs_running",
            "id",
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # reminder | cancelled | nudge
    key: Mapped[str] = mapped_column(String(128), unique=True)  # e.g. "reminder:12:34:24h"
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), nullable=True, index=True
    )
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # pending -> done | skipped (no longer wanted, with why in `note`) | cancelled
    status: Mapped[str] = mapped_column(String(12), default="pending")
    note: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
