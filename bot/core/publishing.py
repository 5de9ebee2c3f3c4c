"""Changing the published content: publish drafts, roll back a version or one item, settle
a conflict with the shipped files, take machine-translated drafts. Every change is a new
release, checked first (`check`), so what the bot loads always works."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.content import ContentProblem, check, content_set
from bot.db.repos import content as repo
from bot.db.repos.content import Change, Item
from bot.db.session import Database
from content.catalog import BASE_LANG


async def publish_drafts(
    conn: AsyncConnection,
    *,
    actor: str,
    note: str,
    now: datetime,
    only: set[Item] | None = None,
) -> int | None:
    """Publish the drafts (all, or `only` these) as one release; the drafts are cleared."""
    await repo.lock_head(conn)
    versions = await repo.current(conn)
    drafts = [d for d in (await repo.drafts(conn)).values() if only is None or d.item in only]
    problems = check(content_set(versions, drafts))
    if problems:
        raise ContentProblem(problems)
    release = await repo.publish(
        conn,
        [Change(d.item, d.value, d.status) for d in drafts],
        kind="publish",
        origin="edit",
        actor=actor,
        note=note,
        now=now,
    )
    for d in drafts:
        await repo.discard_draft(conn, d.item)
    return release


async def _publish_checked(
    conn: AsyncConnection,
    changes: list[Change],
    *,
    kind: repo.ReleaseKind,
    origin: repo.Origin,
    actor: str,
    note: str,
    now: datetime,
) -> int | None:
    await repo.lock_head(conn)
    problems = check(content_set(await repo.current(conn), extra=changes))
    if problems:
        raise ContentProblem(problems)
    return await repo.publish(
        conn, changes, kind=kind, origin=origin, actor=actor, note=note, now=now
    )


async def roll_back_release(
    conn: AsyncConnection, release: int, *, actor: str, now: datetime
) -> int | None:
    """Publish, as a new release, every item as it was at `release`. Items created after
    it stay (a flow or text cannot be removed)."""
    then = await repo.current(conn, at_release=release)
    changes = [Change(item, v.value, v.status, v.fr_version) for item, v in sorted(then.items())]
    return await _publish_checked(
        conn,
        changes,
        kind="rollback",
        origin="rollback",
        actor=actor,
        note=f"retour à la version {release}",
        now=now,
    )


async def roll_back_item(
    conn: AsyncConnection, item: Item, version: int, *, actor: str, now: datetime
) -> int | None:
    """Publish an earlier version of one flow or text as its newest."""
    old = await repo.version_of(conn, item, version)
    if old is None:
        raise ContentProblem([f"{item.key}: la version {version} n'existe pas"])
    where = f"{item.key} [{item.lang}]" if item.lang else item.key
    return await _publish_checked(
        conn,
        [Change(item, old.value, old.status, old.fr_version)],
        kind="rollback",
        origin="rollback",
        actor=actor,
        note=f"{where} : retour à sa version {version}",
        now=now,
    )


async def resolve_conflict(
    conn: AsyncConnection, conflict_id: int, *, take_shipped: bool, actor: str, now: datetime
) -> int | None:
    """Keep the facilitator's edit, or publish the shipped value; either way `seed` stops
    listing it (until the shipped file changes again)."""
    found = await repo.conflict(conn, conflict_id)
    if found is None or found.resolution is not None:
        raise ContentProblem(["ce conflit est déjà réglé"])
    release = None
    if take_shipped:
        where = f"{found.item.key} [{found.item.lang}]" if found.item.lang else found.item.key
        release = await _publish_checked(
            conn,
            [Change(found.item, found.shipped_value, "reviewed")],
            kind="resolve",
            origin="shipped",
            actor=actor,
            note=f"{where} : version livrée reprise",
            now=now,
        )
    await repo.set_shipped(conn, {found.item: repo.digest(found.shipped_value)}, now)
    await repo.close_conflict(
        conn, conflict_id, resolution="shipped" if take_shipped else "kept", actor=actor, now=now
    )
    return release


async def add_machine_drafts(
    db: Database, texts: Mapping[tuple[str, str], str], *, now: datetime | None = None
) -> list[Item]:
    """The hook for machine translation (content/translate.py, to come): each
    (key, language) -> text becomes a draft marked "machine", for a facilitator to review
    and publish. A person's draft is never replaced. Returns the drafts written."""
    now = now or datetime.now(UTC)
    written: list[Item] = []
    async with db.begin() as conn:
        versions = await repo.current(conn, kind="text")
        drafts = await repo.drafts(conn, kind="text")
        for (key, lang), text in sorted(texts.items()):
            item = Item.text(key, lang)
            draft = drafts.get(item)
            if lang == BASE_LANG or (draft is not None and draft.status != "machine"):
                continue
            published = versions.get(item)
            await repo.save_draft(
                conn,
                item,
                value=text,
                status="machine",
                base_version=published.version if published else None,
                actor="translate",
                now=now,
            )
            written.append(item)
    return written
