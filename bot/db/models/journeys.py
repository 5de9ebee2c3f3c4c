"""A contact's journeys: modules read, the eligibility outcome, checklist steps, and their
preferences. Eligibility and checklist rows are answers: kept only with consent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, JsonType, UtcDateTime, utcnow


class ModuleProgress(Base):
    """Where a contact is in one learning module; the newest unfinished row is "current"."""

    __tablename__ = "module_progress"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # messages already shown
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    quiz_answer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quiz_right: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EligibilityResult(Base):
    """The outcome of "can I join?" and the answers the checklist needs (with consent)."""

    __tablename__ = "eligibility_results"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EligibilityFigure(Base):
    """An anonymous line for the programme's figures: no contact, only the day's date."""

    __tablename__ = "eligibility_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType)  # only the anonymous questions


class ChecklistProgress(Base):
    __tablename__ = "checklist_progress"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))  # done | not_yet | help
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContactPreferences(Base):
    """What a contact switched off with a word ("stop": the weekly nudges)."""

    __tablename__ = "contact_preferences"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    weekly_nudges: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
