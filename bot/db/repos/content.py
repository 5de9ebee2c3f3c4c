"""Flows and texts with versions: releases, the current value of each item, drafts, and
what the shipped files held (for `seed`). See bot/db/models/content.py for the tables.

Writers call `lock_head` first: on PostgreSQL it serialises publishers, so release
numbers commit in order and a process that polls the head never misses one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import conflicts as conflicts_t
from bot.db.tables import content_head as head_t
from bot.db.tables import drafts as drafts_t
from bot.db.tables import releases as releases_t
from bot.db.tables import shipped as shipped_t
from bot.db.tables import versions as versions_t

Kind = Literal["flow", "text"]
TextStatus = Literal["reviewed", "draft", "machine"]
TEXT_STATUSES: tuple[TextStatus, ...] = ("reviewed", "draft", "machine")
ReleaseKind = Literal["seed", "publish", "rollback", "resolve"]
Origin = Literal["shipped", "edit", "rollback", "machine"]
FRENCH = "fr"


@dataclass(frozen=True, slots=True, order=True)
class Item:
    """A flow is ("flow", flow id, ""); a text is ("text", key, language)."""

    kind: Kind
    key: str
    lang: str = ""

    @classmethod
    def flow(cls, flow_id: str) -> Item:
        return cls("flow", flow_id, "")

    @classmethod
    def text(cls, key: str, lang: str) -> Item:
        return cls("text", key, lang)


@dataclass(frozen=True, slots=True)
class Version:
    item: Item
    version: int
    value: str
    status: str
    fr_version: int | None
    origin: str
    release_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    item: Item
    value: str
    status: str
    base_version: int | None
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    kind: str
    note: str
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    item: Item
    shipped_value: str
    found_at: datetime
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A value to publish for an item. `fr_version` only for a rollback of a translation
    (the French version it was written from); otherwise the current French is used."""

    item: Item
    value: str
    status: str = "reviewed"
    fr_version: int | None = None


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _item(row: Any) -> Item:
    return Item.flow(row.key) if row.kind == "flow" else Item.text(row.key, row.lang)


def _version(row: Any) -> Version:
    return Version(
        _item(row),
        row.version,
        row.value,
        row.status,
        row.fr_version,
        row.origin,
        row.release_id,
        row.created_at,
    )


_VERSION_COLS = (
    versions_t.c.kind,
    versions_t.c.key,
    versions_t.c.lang,
    versions_t.c.version,
    versions_t.c.value,
    versions_t.c.status,
    versions_t.c.fr_version,
    versions_t.c.origin,
    versions_t.c.release_id,
    versions_t.c.created_at,
)


# --- releases -----------------------------------------------------------------------------


async def head_release(conn: AsyncConnection) -> int:
    """The newest release number (0 before anything was loaded): what processes poll."""
    value = (await conn.execute(select(head_t.c.release).where(head_t.c.id == 1))).scalar()
    return int(value or 0)


async def lock_head(conn: AsyncConnection) -> int:
    """Take the publishers' lock (PostgreSQL: a row lock until commit) and read the head."""
    value = (
        await conn.execute(select(head_t.c.release).where(head_t.c.id == 1).with_for_update())
    ).scalar()
    if value is None:  # a database migrated without the head row cannot happen; be safe
        await conn.execute(insert(head_t).values(id=1, release=0))
        return 0
    return int(value)


async def releases(conn: AsyncConnection, *, limit: int, offset: int = 0) -> list[Release]:
    rows = await conn.execute(
        select(releases_t).order_by(releases_t.c.id.desc()).limit(limit).offset(offset)
    )
    return [Release(r.id, r.kind, r.note, r.actor, r.created_at) for r in rows]


async def release(conn: AsyncConnection, release_id: int) -> Release | None:
    r = (await conn.execute(select(releases_t).where(releases_t.c.id == release_id))).first()
    return Release(r.id, r.kind, r.note, r.actor, r.created_at) if r else None


async def count_releases(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(releases_t))).scalar_one())


async def release_items(conn: AsyncConnection, release_id: int) -> list[Version]:
    rows = await conn.execute(
        select(*_VERSION_COLS)
        .where(versions_t.c.release_id == release_id)
        .order_by(versions_t.c.kind, versions_t.c.key, versions_t.c.lang)
    )
    return [_version(r) for r in rows]


# --- versions -----------------------------------------------------------------------------


def _newest(
    at_release: int | None, kind: Kind | None, key: str | None
) -> Select[tuple[object, ...]]:
    conds = []
    if at_release is not None:
        conds.append(versions_t.c.release_id <= at_release)
    if kind is not None:
        conds.append(versions_t.c.kind == kind)
    if key is not None:
        conds.append(versions_t.c.key == key)
    newest = (
        select(
            versions_t.c.kind,
            versions_t.c.key,
            versions_t.c.lang,
            func.max(versions_t.c.version).label("version"),
        )
        .where(*conds)
        .group_by(versions_t.c.kind, versions_t.c.key, versions_t.c.lang)
        .subquery()
    )
    return select(*_VERSION_COLS).join(
        newest,
        and_(
            newest.c.kind == versions_t.c.kind,
            newest.c.key == versions_t.c.key,
            newest.c.lang == versions_t.c.lang,
            newest.c.version == versions_t.c.version,
        ),
    )


async def current(
    conn: AsyncConnection,
    *,
    at_release: int | None = None,
    kind: Kind | None = None,
    key: str | None = None,
) -> dict[Item, Version]:
    """Each item's newest version (as of `at_release` when given)."""
    rows = await conn.execute(_newest(at_release, kind, key))
    return {v.item: v for v in map(_version, rows)}


async def history(conn: AsyncConnection, item: Item, *, limit: int = 50) -> list[Version]:
    rows = await conn.execute(
        select(*_VERSION_COLS)
        .where(
            versions_t.c.kind == item.kind,
            versions_t.c.key == item.key,
            versions_t.c.lang == item.lang,
        )
        .order_by(versions_t.c.version.desc())
        .limit(limit)
    )
    return [_version(r) for r in rows]


async def version_of(conn: AsyncConnection, item: Item, version: int) -> Version | None:
    row = (
        await conn.execute(
            select(*_VERSION_COLS).where(
                versions_t.c.kind == item.kind,
                versions_t.c.key == item.key,
                versions_t.c.lang == item.lang,
                versions_t.c.version == version,
            )
        )
    ).first()
    return _version(row) if row else None


async def french_values(
    conn: AsyncConnection, pairs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], str]:
    """(key, French version) -> that French text: what translations were written from."""
    wanted = set(pairs)
    if not wanted:
        return {}
    keys = {k for k, _ in wanted}
    rows = await conn.execute(
        select(versions_t.c.key, versions_t.c.version, versions_t.c.value).where(
            versions_t.c.kind == "text",
            versions_t.c.lang == FRENCH,
            versions_t.c.key.in_(keys),
        )
    )
    return {(r.key, r.version): r.value for r in rows if (r.key, r.version) in wanted}


async def publish(
    conn: AsyncConnection,
    changes: Sequence[Change],
    *,
    kind: ReleaseKind,
    origin: Origin,
    actor: str,
    note: str,
    now: datetime,
) -> int | None:
    """Write the changes that differ from the current values as one new release.

    The caller holds `lock_head` (same transaction). Returns the release number, or None
    when nothing differed. A translation records the French version it goes with.
    """
    items = {c.item for c in changes}
    now_current = await current(conn) if items else {}
    effective = [
        c
        for c in changes
        if (cur := now_current.get(c.item)) is None
        or (cur.value, cur.status) != (c.value, c.status)
    ]
    if not effective:
        return None
    release = await lock_head(conn) + 1
    await conn.execute(update(head_t).where(head_t.c.id == 1).values(release=release))
    await conn.execute(
        insert(releases_t).values(id=release, kind=kind, note=note, actor=actor, created_at=now)
    )
    new_versions = {
        c.item: (now_current[c.item].version + 1 if c.item in now_current else 1) for c in effective
    }

    def french_version(key: str) -> int | None:
        fr = Item.text(key, FRENCH)
        if fr in new_versions:
            return new_versions[fr]
        return now_current[fr].version if fr in now_current else None

    rows = []
    for c in effective:
        fr_version = None
        if c.item.kind == "text" and c.item.lang != FRENCH:
            fr_version = c.fr_version if c.fr_version is not None else french_version(c.item.key)
        rows.append(
            {
                "kind": c.item.kind,
                "key": c.item.key,
                "lang": c.item.lang,
                "version": new_versions[c.item],
                "value": c.value,
                "status": c.status,
                "fr_version": fr_version,
                "origin": origin,
                "release_id": release,
                "created_at": now,
            }
        )
    await conn.execute(insert(versions_t), rows)
    return release


# --- drafts -------------------------------------------------------------------------------


def _draft(row: Any) -> Draft:
    return Draft(
        _item(row),
        row.value,
        row.status,
        row.base_version,
        row.updated_by,
        row.updated_at,
    )


async def drafts(
    conn: AsyncConnection, *, kind: Kind | None = None, key: str | None = None
) -> dict[Item, Draft]:
    query = select(drafts_t)
    if kind is not None:
        query = query.where(drafts_t.c.kind == kind)
    if key is not None:
        query = query.where(drafts_t.c.key == key)
    rows = await conn.execute(query.order_by(drafts_t.c.kind, drafts_t.c.key, drafts_t.c.lang))
    return {d.item: d for d in map(_draft, rows)}


async def count_drafts(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(drafts_t))).scalar_one())


async def save_draft(
    conn: AsyncConnection,
    item: Item,
    *,
    value: str,
    status: str,
    base_version: int | None,
    actor: str,
    now: datetime,
) -> None:
    """Create or replace the item's draft.

    This is also the hook for machine translation (content/translate.py, to come): a
    machine draft is `save_draft(..., status="machine", actor="translate")`; a
    facilitator reviews it in the admin panel before it is published.
    """
    await discard_draft(conn, item)
    await conn.execute(
        insert(drafts_t).values(
            kind=item.kind,
            key=item.key,
            lang=item.lang,
            value=value,
            status=status,
            base_version=base_version,
            updated_by=actor,
            updated_at=now,
        )
    )


async def discard_draft(conn: AsyncConnection, item: Item) -> bool:
    result = await conn.execute(
        delete(drafts_t).where(
            drafts_t.c.kind == item.kind, drafts_t.c.key == item.key, drafts_t.c.lang == item.lang
        )
    )
    return bool(result.rowcount)


# --- shipped files and conflicts ----------------------------------------------------------


async def shipped_digests(conn: AsyncConnection) -> dict[Item, str]:
    rows = await conn.execute(select(shipped_t))
    return {_item(r): r.digest for r in rows}


async def set_shipped(conn: AsyncConnection, seen: dict[Item, str], now: datetime) -> None:
    """Remember the shipped value's digest of each item (taken in, or seen and left aside)."""
    if not seen:
        return
    known = set(await shipped_digests(conn))
    fresh = [
        {"kind": i.kind, "key": i.key, "lang": i.lang, "digest": d, "seen_at": now}
        for i, d in seen.items()
        if i not in known
    ]
    changed = [
        {"k": i.kind, "y": i.key, "l": i.lang, "digest": d, "seen_at": now}
        for i, d in seen.items()
        if i in known
    ]
    if fresh:
        await conn.execute(insert(shipped_t), fresh)
    if changed:
        await conn.execute(
            update(shipped_t)
            .where(
                shipped_t.c.kind == bindparam("k"),
                shipped_t.c.key == bindparam("y"),
                shipped_t.c.lang == bindparam("l"),
            )
            .values(digest=bindparam("digest"), seen_at=bindparam("seen_at")),
            changed,
        )


def _conflict(row: Any) -> Conflict:
    return Conflict(row.id, _item(row), row.shipped_value, row.found_at, row.resolution)


async def record_conflict(
    conn: AsyncConnection, item: Item, shipped_value: str, now: datetime
) -> bool:
    """List a shipped change left aside; True when it is new. An older open conflict of
    the same item is superseded (only the newest shipped value matters)."""
    value_digest = digest(shipped_value)
    same_item = (
        conflicts_t.c.kind == item.kind,
        conflicts_t.c.key == item.key,
        conflicts_t.c.lang == item.lang,
    )
    exists = (
        await conn.execute(
            select(conflicts_t.c.id).where(*same_item, conflicts_t.c.shipped_digest == value_digest)
        )
    ).first()
    if exists:
        return False
    await conn.execute(
        update(conflicts_t)
        .where(*same_item, conflicts_t.c.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by="seed", resolution="superseded")
    )
    await conn.execute(
        insert(conflicts_t).values(
            kind=item.kind,
            key=item.key,
            lang=item.lang,
            shipped_value=shipped_value,
            shipped_digest=value_digest,
            found_at=now,
        )
    )
    return True


async def open_conflicts(conn: AsyncConnection) -> list[Conflict]:
    rows = await conn.execute(
        select(conflicts_t)
        .where(conflicts_t.c.resolved_at.is_(None))
        .order_by(conflicts_t.c.kind, conflicts_t.c.key, conflicts_t.c.lang)
    )
    return [_conflict(r) for r in rows]


async def conflict(conn: AsyncConnection, conflict_id: int) -> Conflict | None:
    row = (await conn.execute(select(conflicts_t).where(conflicts_t.c.id == conflict_id))).first()
    return _conflict(row) if row else None


async def close_conflict(
    conn: AsyncConnection, conflict_id: int, *, resolution: str, actor: str, now: datetime
) -> bool:
    result = await conn.execute(
        update(conflicts_t)
        .where(conflicts_t.c.id == conflict_id, conflicts_t.c.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=actor, resolution=resolution)
    )
    return bool(result.rowcount)
