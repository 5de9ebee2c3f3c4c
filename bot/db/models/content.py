"""Flows and texts with versions: every published change is a release; items keep their history.

An item is (kind, key, lang): a flow is ("flow", flow id, ""), a text ("text", key, lang).
`content_head.release` is the number every process polls to reload what changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime, utcnow


class ContentHead(Base):
    """One row (id 1): the newest release. Publishers lock it, so releases commit in order."""

    __tablename__ = "content_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    release: Mapped[int] = mapped_column(Integer, default=0)


class ContentRelease(Base):
    __tablename__ = "content_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))  # seed | publish | rollback | resolve
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContentVersion(Base):
    """A published value of an item. The newest version up to a release is the item then."""

    __tablename__ = "content_versions"
    __table_args__ = (
        UniqueConstraint("kind", "key", "lang", "version"),
        Index("ix_content_versions_release_id", "release_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # flow | text
    key: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="")
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="reviewed")  # reviewed|draft|machine
    # A translation: the French version it was written from (outdated once French differs).
    fr_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin: Mapped[str] = mapped_column(String(16))  # shipped | edit | rollback | machine
    release_id: Mapped[int] = mapped_column(ForeignKey("content_releases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContentDraft(Base):
    """An unpublished change of an item, shared by the facilitators until published."""

    __tablename__ = "content_drafts"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="reviewed")
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ShippedContent(Base):
    """The shipped file's value `seed` last took in (or saw and left aside), as a digest."""

    __tablename__ = "content_shipped"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContentConflict(Base):
    """A shipped change `seed` did not apply because a facilitator had edited the item."""

    __tablename__ = "content_conflicts"
    __table_args__ = (UniqueConstraint("kind", "key", "lang", "shipped_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="")
    shipped_value: Mapped[str] = mapped_column(Text)
    shipped_digest: Mapped[str] = mapped_column(String(64))
    found_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)  # kept|shipped|...
