"""Migration 0004 on a database seeded before versions existed (SQLite and PostgreSQL):
its flows and texts become release 1 and count as shipped, so the next `seed` brings
changed files in as new versions; downgrading gives the old tables back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.content import shipped_items, sync_shipped
from bot.db.migrate import alembic_config
from bot.db.repos import content as repo
from bot.db.repos.content import Item
from bot.db.session import Database


@pytest.fixture
async def scratch_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same kind, for migrating by hand."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path}/scratch.db"
        return
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(database_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        await admin.dispose()


async def test_seeded_content_is_brought_over(scratch_url: str) -> None:
    cfg = alembic_config(scratch_url)
    await asyncio.to_thread(command.upgrade, cfg, "0002")
    shipped = shipped_items()
    now = datetime(2026, 11, 30, tzinfo=UTC)
    db = Database(scratch_url)
    try:
        async with db.begin() as conn:  # what `seed` wrote before versions existed
            for item, value in shipped.items():
                if item.kind == "flow":
                    await conn.execute(
                        sa.text(
                            "INSERT INTO flow_definitions (flow_id, version, source, published,"
                            " created_at) VALUES (:f, 1, :s, :p, :t)"
                        ),
                        {"f": item.key, "s": value, "p": True, "t": now.replace(tzinfo=None)},
                    )
                else:
                    await conn.execute(
                        sa.text(
                            "INSERT INTO content_texts (key, lang, text, status, updated_at)"
                            " VALUES (:k, :l, :x, 'reviewed', :t)"
                        ),
                        {"k": item.key, "l": item.lang, "x": value, "t": now.replace(tzinfo=None)},
                    )
        await db.dispose()
        await asyncio.to_thread(command.upgrade, cfg, "head")
        async with db.connect() as conn:
            assert await repo.head_release(conn) == 1
            current = await repo.current(conn)
            assert {i: v.value for i, v in current.items()} == shipped
            assert current[Item.text("menu.prompt", "ar")].fr_version == 1
            assert len(await repo.shipped_digests(conn)) == len(shipped)
        assert (await sync_shipped(db)).release is None  # the files are what was loaded
        changed = dict(shipped)
        changed[Item.text("menu.prompt", "ar")] = "🏠 نص جديد من الملفات"
        report = await sync_shipped(db, shipped=changed)
        assert report.release == 2 and report.conflicts == ()
        await db.dispose()
        await asyncio.to_thread(command.downgrade, cfg, "0002")
        async with db.connect() as conn:
            flows = (await conn.execute(sa.text("SELECT count(*) FROM flow_definitions"))).scalar()
            ar = (
                await conn.execute(
                    sa.text(
                        "SELECT text FROM content_texts WHERE key = 'menu.prompt' AND lang = 'ar'"
                    )
                )
            ).scalar()
        assert flows == sum(1 for i in shipped if i.kind == "flow")
        assert ar == "🏠 نص جديد من الملفات"
    finally:
        await db.dispose()
